package io.loomchat.server.web;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.SafeText;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.connection.Doorway;
import io.loomchat.server.connection.Sessions;
import io.loomchat.server.delivery.CloseReason;
import io.loomchat.server.guard.FloodControl;
import io.loomchat.server.guard.RefusalLog;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket, from upgrade to close, on Helidon's virtual thread for the connection: checks the origin,
 * lets the server admit it as a session (or sends the refusal's {@code bye}), and then feeds each text
 * message to that session as a line. The session does everything else, as for a TCP client.
 */
final class BrowserConnection implements WsListener {

    private static final Logger LOG = LoggerFactory.getLogger(BrowserConnection.class);

    private final ServerConfig config;
    private final Clock clock;
    private final Sessions sessions;
    private final OriginPolicy origins;
    private final boolean secure;
    private final Doorway doorway;
    private final RefusalLog refusals;
    private final FloodControl frameBudget; // null when flood control is off; this connection's Helidon thread only
    private MessagePipe pipe; // null until admitted; this connection's Helidon thread only
    private int frames; // this connection's Helidon thread only

    /**
     * Frames after which the frame reader pauses for a millisecond. Helidon's loop reads frame after frame
     * on a virtual thread, which is not time-sliced; a client that keeps sending frames that never fill the
     * pipe (pings, pongs, empty fragments) would otherwise keep its carrier, and two such clients would stop
     * the server. The pause frees the carrier for certain (as FairInput does for TCP), whether or not the
     * frame budget (which parks a sender over it) is on; no per-frame yield is needed on top.
     */
    static final int FRAMES_PER_TURN = 64;
    /**
     * Every frame, of any kind, costs a token of the connection's frame budget: this many times the line
     * flood control's rate and burst (a chat line is one frame; a browser sends no other frames unasked).
     * A frame over the budget waits for its token, which slows the sender down through TCP; a connection
     * that keeps on is cut as a flood, as a TCP client flooding lines is.
     */
    static final int FRAMES_PER_LINE = 4;

    BrowserConnection(ServerConfig config, Clock clock, Sessions sessions, OriginPolicy origins, boolean secure, Doorway doorway,
                      RefusalLog refusals) {
        this.config = config;
        this.clock = clock;
        this.sessions = sessions;
        this.origins = origins;
        this.secure = secure;
        this.doorway = doorway;
        this.refusals = refusals;
        this.frameBudget = config.floodLinesPerSecond() <= 0 ? null
                : new FloodControl(clock, FRAMES_PER_LINE * config.floodLinesPerSecond(),
                        FRAMES_PER_LINE * config.floodBurst(), config.floodDisconnectAfter());
    }

    /**
     * Every frame: a token from the frame budget (waiting for one if need be), and every 64th a pause for the
     * other virtual threads. A connection that floods on is told so and closed: the exception ends Helidon's loop.
     */
    private void charge(WsSession ws) {
        if (++frames % FRAMES_PER_TURN == 0) {
            LockSupport.parkNanos(1_000_000);
        }
        if (frameBudget == null) {
            return;
        }
        while (!frameBudget.allow()) {
            if (frameBudget.persistent()) {
                cut(ws);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(1, frameBudget.millisUntilNext())));
        }
    }

    private void cut(WsSession ws) {
        InetSocketAddress remote = (InetSocketAddress) ws.socketContext().remotePeer().address();
        String detail = config.floodDisconnectAfter() + " WebSocket frames in a minute over "
                + (int) (FRAMES_PER_LINE * config.floodLinesPerSecond()) + " a second";
        refusals.refused("the web port", remote.getAddress(), CloseReason.FLOOD.code(), "(" + detail + ")");
        try {
            ws.send(new String(Codec.encode(new Event.Bye(CloseReason.FLOOD.code(), CloseReason.FLOOD.summary() + ": " + detail)),
                    StandardCharsets.UTF_8).strip(), true);
            ws.close(WsCloseCodes.VIOLATED_POLICY, CloseReason.FLOOD.code());
        } catch (RuntimeException e) {
            // the connection is going anyway
        }
        if (pipe != null) {
            pipe.end();
        }
        throw new CloseConnectionException("WebSocket frame flood from " + remote.getAddress().getHostAddress());
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        String origin = headers.first(HeaderNames.ORIGIN).orElse(null);
        String refusal = origins.refusal(origin, headers.first(HeaderNames.HOST).orElse(null), secure);
        if (refusal != null) {
            LOG.warn("refused a WebSocket: {}", SafeText.neutralize(refusal));
            throw new WsUpgradeException(refusal);
        }
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession ws) {
        InetSocketAddress remote = (InetSocketAddress) ws.socketContext().remotePeer().address();
        doorway.becameSession(remote); // from now on the session's limits and deadlines apply
        MessagePipe input = new MessagePipe(Math.max(config.maxLineBytes() + 1, 64 * 1024));
        Thread frameReader = Thread.currentThread();
        Event.Bye refused = sessions.serve(new WebSocketTransport(ws, remote, input, frameReader));
        if (refused != null) {
            ws.send(new String(Codec.encode(refused), StandardCharsets.UTF_8).strip(), true);
            ws.close(WsCloseCodes.TRY_AGAIN_LATER, refused.code());
            return;
        }
        pipe = input;
        // Helidon tells a listener about a close frame, not about a connection that just ends: a thread
        // waits for this connection's frame reader to finish and then ends the session's input.
        sessions.startConnectionThread("loomchat-web-end-" + remote.getPort(), () -> {
            try {
                frameReader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            input.end();
        });
    }

    @Override
    public void onMessage(WsSession ws, String text, boolean last) {
        charge(ws);
        if (pipe == null) {
            return; // refused: the bye is out, the close under way
        }
        try {
            pipe.put(text, last);
        } catch (InterruptedException e) {
            // The session is being cut off: keep the interrupt, so that the next socket read closes the socket.
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void onMessage(WsSession ws, BufferData buffer, boolean last) {
        // The protocol is text: a binary message is read as the UTF-8 text it holds, so it gets the same
        // answer (bad JSON, a line too long) a TCP client would.
        onMessage(ws, buffer.readString(buffer.available(), StandardCharsets.UTF_8), last);
    }

    @Override
    public void onPing(WsSession ws, BufferData buffer) {
        charge(ws);
        ws.pong(buffer); // RFC 6455 5.5.2: a ping is answered with a pong carrying the same data
    }

    @Override
    public void onPong(WsSession ws, BufferData buffer) {
        charge(ws);
    }

    @Override
    public void onClose(WsSession ws, int status, String reason) {
        if (pipe != null) {
            pipe.end();
        }
    }

    @Override
    public void onError(WsSession ws, Throwable t) {
        LOG.debug("WebSocket error: {}", t.toString());
        if (pipe != null) {
            pipe.end();
        }
    }
}
