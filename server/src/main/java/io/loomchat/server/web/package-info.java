/**
 * The web front: the same server over HTTP and WebSocket. It serves the browser client's page (plain HTML,
 * CSS and JavaScript kept in the jar) and lets each WebSocket in as an ordinary session, one protocol JSON
 * object per text message, behind the same admission, limits and close reasons as a TCP client. Built on
 * Helidon's WebServer, whose handlers run on virtual threads.
 */
package io.loomchat.server.web;
