package io.loomchat.server.connection;

import io.loomchat.protocol.BoundedLineReader;
import io.loomchat.protocol.Codec;
import io.loomchat.protocol.ErrorCode;
import io.loomchat.protocol.Event.ErrorReply;
import io.loomchat.protocol.ProtocolException;
import io.loomchat.protocol.TextRenderer;
import io.loomchat.server.chat.Commands;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.delivery.CloseReason;
import io.loomchat.server.guard.FloodControl;
import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's read loop, on its own virtual thread: cuts the input into lines, keeps the loop fair to
 * other connections, applies flood control, decides on the first line how the client speaks (its
 * {@link Dialect}) and hands each line to it. Ends the session when the input ends or fails.
 */
final class ReadLoop {

    private static final Logger LOG = LoggerFactory.getLogger(ReadLoop.class);
    /** Refused lines in a row whose ref is still echoed in the rate_limited error. */
    private static final int FLOOD_REFS_ECHOED = 10;

    /**
     * Lines handled, or bytes read, after which the read loop lets other virtual threads run. Virtual
     * threads are not time-sliced: a client whose input is always ready would otherwise keep its carrier
     * for as long as it sends, and two such clients on two cores would stop the whole server. Not much
     * more often: every yield lets the writers catch up and park, and waking them again costs the fan-out
     * path (at 64 lines a turn, full-speed fan-out lost about a sixth of its rate).
     */
    static final int LINES_PER_TURN = 1_024;
    static final int BYTES_PER_TURN = 64 * 1024;
    /** What a closing connection may still send before the server stops reading it (for a clean close). */
    static final int DRAIN_AFTER_BYE_BYTES = 64 * 1024;

    private final Session session;
    private final ConnectionContext context;
    private final Commands commands;
    private final FloodControl flood; // null when flood control is off
    private boolean modeDecided;

    ReadLoop(Session session, Commands commands) {
        this.session = session;
        this.context = session.context();
        this.commands = commands;
        this.flood = context.config().floodControl() ? new FloodControl(context.config(), context.clock()) : null;
    }

    void run() {
        try {
            FairInput input = new FairInput(session.transport().input(), BYTES_PER_TURN);
            // Every further max-line-bytes of a line that does not end counts as a line, for flood control.
            BoundedLineReader lines = new BoundedLineReader(input, context.config().maxLineBytes(), session.batch()::settle, true);
            int linesThisTurn = 0;
            long drainedFrom = -1; // bytes read when the bye was queued; -1 while open
            while (true) {
                int length = lines.next();
                if (length == BoundedLineReader.EOF) {
                    session.disconnect(CloseReason.CLIENT_CLOSED, "");
                    return;
                }
                if (++linesThisTurn >= LINES_PER_TURN) {
                    linesThisTurn = 0;
                    input.yieldTurn();
                }
                if (session.outbox().isClosing()) {
                    // Said bye: read on briefly so that closing does not reset what the client has in
                    // flight (a reset can destroy the bye before the client reads it), then stop reading.
                    drainedFrom = drainedFrom < 0 ? input.total() : drainedFrom;
                    if (input.total() - drainedFrom > DRAIN_AFTER_BYE_BYTES) {
                        return;
                    }
                    continue;
                }
                session.heard(context.ticker().nanoTime());
                context.metrics().linesIn.increment();
                context.metrics().bytesIn.add(length < 0 ? lines.maxLineBytes() : length + 1L);
                // Every line counts, empty or too long, registered or not: otherwise a stream of bare
                // newlines is never slowed down.
                if (flood != null && !flood.allow()) {
                    refuseFlood(lines, length);
                    continue;
                }
                if (length == BoundedLineReader.STILL_TOO_LONG) {
                    continue; // counted above; its error went out when it first crossed the cap
                }
                if (length == BoundedLineReader.TOO_LONG) {
                    session.send(new ErrorReply(ErrorCode.LINE_TOO_LONG, "line exceeds max-line-bytes="
                            + lines.maxLineBytes() + "; it was discarded", null));
                    continue;
                }
                // A UTF-8 byte order mark (some Windows tools write one) before the first line is not part of it.
                int start = modeDecided ? 0 : byteOrderMark(lines.line(), length);
                if (length - start == 0 || isBlank(lines.line(), start, length)) {
                    continue; // a bare Enter (or a few spaces) from a person on nc is not an error
                }
                if (!modeDecided) {
                    modeDecided = true;
                    decideDialect(lines.line(), start, length);
                }
                Dialect dialect = session.dialect();
                if (!dialect.holdsSays()) {
                    session.batch().releaseHeld(); // only a JSON client's says are held together
                }
                dialect.handle(lines.line(), start, length - start);
            }
        } catch (SocketException e) {
            // Closed under us: by our own close (reason already set) or by the peer resetting.
            session.disconnect(CloseReason.READ_ERROR, e.getMessage());
        } catch (IOException e) {
            session.disconnect(CloseReason.READ_ERROR, e.toString());
        } catch (RuntimeException e) {
            LOG.error("bug while serving {}", session, e);
            session.disconnect(CloseReason.READ_ERROR, "internal error");
        }
    }

    /**
     * The first line decides how the client speaks: a JSON object means a protocol client; a line that
     * opens another dialect (IRC's CAP, NICK, PASS or USER) means that dialect, which speaks first and is
     * not greeted; anything else is a person typing (text mode).
     */
    private void decideDialect(byte[] line, int start, int length) {
        boolean json = startsLikeJson(line, start, length);
        if (!json && !context.dialects().isEmpty()) {
            String first = new String(line, start, length - start, StandardCharsets.UTF_8);
            for (Dialect.Opener opener : context.dialects()) {
                if (opener.opens(first)) {
                    session.greeting().skip(); // a client that speaks first: a JSON line would only be noise
                    session.speak(opener.open(session, commands, () -> flood == null || flood.allow()));
                    return;
                }
            }
        }
        session.greeting().send(); // before the answer to this line, if its wait has not run out yet
        if (json) {
            session.speak(new JsonDialect(session, commands));
            return;
        }
        session.speak(new TextDialect(session.client(), commands));
        session.sendText(TextRenderer.NOTICE + (context.config().password() == null
                ? " loomchat text mode: type your nick to start; /help lists the commands"
                : " loomchat text mode: type your nick and the server password on one line to start"));
    }

    /** 3 if the line starts with a UTF-8 byte order mark, else 0. */
    static int byteOrderMark(byte[] line, int length) {
        return length >= 3 && (line[0] & 0xff) == 0xEF && (line[1] & 0xff) == 0xBB && (line[2] & 0xff) == 0xBF ? 3 : 0;
    }

    /** Only spaces and tabs (a JSON line never starts with one in practice: checked on the first byte). */
    private static boolean isBlank(byte[] line, int start, int length) {
        if (line[start] != ' ' && line[start] != '\t') {
            return false;
        }
        for (int i = start + 1; i < length; i++) {
            if (line[i] != ' ' && line[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    /**
     * A protocol client's first line is a JSON object; anything else (a person on nc) means text mode. JSON's
     * own white space before it does not count (a carriage return left over from a CRLF before it, say).
     */
    private static boolean startsLikeJson(byte[] line, int start, int length) {
        for (int i = start; i < length; i++) {
            if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
                return line[i] == '{';
            }
        }
        return false;
    }

    /** Tells a flooding client its line was refused, or, if it keeps on, disconnects it. */
    private void refuseFlood(BoundedLineReader lines, int length) {
        ServerConfig c = context.config();
        if (flood.persistent()) {
            session.disconnect(CloseReason.FLOOD, c.floodDisconnectAfter() + " lines in a row over flood-lines-per-second="
                    + c.floodLinesPerSecond());
            return;
        }
        if (length == BoundedLineReader.STILL_TOO_LONG) {
            return; // a piece of one over-long line: counted, but its line_too_long went out already
        }
        String ref = null;
        // Echoing the ref means decoding the refused line: worth it for a script that went a little too
        // fast, not for a flood, which gets the same error without it.
        if (length > 0 && flood.refusedInARow() <= FLOOD_REFS_ECHOED) {
            try {
                ref = Codec.decodeRequest(lines.line(), 0, length).ref();
            } catch (ProtocolException e) {
                ref = e.ref();
            }
        }
        long retryMillis = flood.millisUntilNext();
        session.send(new ErrorReply(ErrorCode.RATE_LIMITED, "flood control: over flood-lines-per-second="
                + c.floodLinesPerSecond() + " (flood-burst=" + c.floodBurst() + "); line refused, retry in "
                + retryMillis + " ms", ref));
        if (flood.refusedInARow() > FLOOD_REFS_ECHOED) {
            // Told often enough: stop reading from this client until its next line could be accepted
            // (ergo's "fakelag"). TCP then slows the flooder down, and refusing costs the server nothing.
            session.batch().settle();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(retryMillis, 1_000)));
        }
    }
}
