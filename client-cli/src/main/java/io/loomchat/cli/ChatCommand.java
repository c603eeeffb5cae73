package io.loomchat.cli; public final class ChatCommand { public static void main(String[] a) {} }
