/**
 * LAN discovery: the server announces itself with multicast DNS service discovery (RFC 6762/6763,
 * {@code _loomchat._tcp}), as printers and file shares do, so that clients on the LAN find it without
 * anyone typing an address. Built on JmDNS.
 */
package io.loomchat.server.lan;
