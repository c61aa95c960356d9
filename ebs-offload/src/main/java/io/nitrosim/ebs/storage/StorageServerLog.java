package io.nitrosim.ebs.storage;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLongArray;

import org.agrona.concurrent.NanoClock;

/**
 * The storage server's record of refused and malformed input: a counter per reason, and one line per event in
 * logfmt ({@code key=value}, values with spaces quoted), for example
 * <pre>
 * storage-server event=refused reason=unauthorized remote=127.0.0.1:50412 op=WRITE detail="request before AUTH"
 * </pre>
 * Lines are rate-limited by a token bucket ({@code linesPerSecond}, burst of the same size) so a hostile client
 * cannot flood the log: events over the limit are still counted, and the next line printed says how many lines
 * were suppressed before it ({@code suppressed=N}). Details are cut to {@link #MAX_DETAIL_CHARS} characters
 * with control characters escaped, so one event is always one line. Thread-safe.
 */
public final class StorageServerLog
{
    /** Why input was refused or dropped. */
    public enum Reason
    {
        /** Connection beyond the maximum number of connections: closed at once. */
        TOO_MANY_CONNECTIONS("refused", "too-many-connections"),
        /** Missing or wrong access token: answered UNAUTHORIZED, closed. */
        UNAUTHORIZED("refused", "unauthorized"),
        /** No AUTH within the request timeout of connecting: closed. */
        HANDSHAKE_TIMEOUT("refused", "handshake-timeout"),
        /** Nothing received and nothing in progress for the idle timeout: closed. */
        IDLE_TIMEOUT("refused", "idle-timeout"),
        /** A request frame begun but not completed within the request timeout: closed. */
        REQUEST_TIMEOUT("refused", "request-timeout"),
        /** A configured limit refused a request (e.g. the number of volumes): answered LIMIT_EXCEEDED. */
        LIMIT_EXCEEDED("refused", "limit-exceeded"),
        /** Framing broken (length, magic, version, short header): answered if possible, closed. */
        MALFORMED_FRAME("malformed", "bad-frame"),
        /** A well-framed request that makes no sense (unknown op, lengths that disagree): answered BAD_REQUEST. */
        BAD_REQUEST("malformed", "bad-request"),
        /** An unexpected exception on a connection: closed (a bug; tests assert there are none). */
        INTERNAL_ERROR("error", "internal-error");

        final String event;
        final String label;

        Reason(final String event, final String label)
        {
            this.event = event;
            this.label = label;
        }
    }

    public static final int MAX_DETAIL_CHARS = 160;
    public static final int DEFAULT_LINES_PER_SECOND = 20;

    private final PrintStream out;
    private final NanoClock clock;
    private final long linesPerSecond;
    private final AtomicLongArray counts = new AtomicLongArray(Reason.values().length);
    private final StringBuilder line = new StringBuilder(256);
    private long tokensMilli;
    private long lastRefillNs;
    private long suppressed;

    /**
     * @param out            where lines go (the server's stderr).
     * @param clock          the rate limiter's clock.
     * @param linesPerSecond lines printed at most per second on average (also the burst).
     */
    public StorageServerLog(final PrintStream out, final NanoClock clock, final int linesPerSecond)
    {
        if (linesPerSecond < 1 || linesPerSecond > 100_000)
        {
            throw new IllegalArgumentException("log rate " + linesPerSecond
                + " lines/s is out of range: accepted 1..100000");
        }
        this.out = out;
        this.clock = clock;
        this.linesPerSecond = linesPerSecond;
        this.tokensMilli = linesPerSecond * 1000L;
        this.lastRefillNs = clock.nanoTime();
    }

    /** Counts the event and prints its line unless over the rate. */
    public void log(final Reason reason, final String remote, final int op, final String detail)
    {
        counts.incrementAndGet(reason.ordinal());
        synchronized (this)
        {
            final long now = clock.nanoTime();
            final long elapsedNs = now - lastRefillNs;
            if (elapsedNs > 0)
            {
                // tokens in thousandths of a line: linesPerSecond per second, capped at the burst
                tokensMilli = Math.min(linesPerSecond * 1000L,
                    tokensMilli + Math.min(elapsedNs, 3_600_000_000_000L) * linesPerSecond / 1_000_000L);
                lastRefillNs = now;
            }
            if (tokensMilli < 1000)
            {
                suppressed++;
                return;
            }
            tokensMilli -= 1000;
            line.setLength(0);
            line.append("storage-server event=").append(reason.event).append(" reason=").append(reason.label);
            line.append(" remote=").append(remote == null ? "-" : remote);
            if (op >= 0)
            {
                line.append(" op=").append(StorageOp.name(op));
            }
            if (detail != null)
            {
                line.append(" detail=\"");
                appendEscaped(line, detail, MAX_DETAIL_CHARS);
                line.append('"');
            }
            if (suppressed > 0)
            {
                line.append(" suppressed=").append(suppressed);
                suppressed = 0;
            }
            out.println(line);
            out.flush();
        }
    }

    /** A user-given value fit for a one-line message: control characters escaped, cut after 80 characters. */
    static String clip(final String text)
    {
        final StringBuilder sb = new StringBuilder();
        appendEscaped(sb, text, 80);
        return sb.toString();
    }

    private static void appendEscaped(final StringBuilder sb, final String text, final int maxChars)
    {
        final int n = Math.min(text.length(), maxChars);
        for (int i = 0; i < n; i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\')
            {
                sb.append('\\').append(c);
            }
            else if (c < 0x20 || c == 0x7F)
            {
                sb.append(String.format("\\x%02x", (int)c));
            }
            else
            {
                sb.append(c);
            }
        }
        if (text.length() > n)
        {
            sb.append("...(").append(text.length() - n).append(" more)");
        }
    }

    /** Events of this reason so far (printed or suppressed). */
    public long count(final Reason reason)
    {
        return counts.get(reason.ordinal());
    }

    /** Lines suppressed by the rate limit since the last printed line. */
    public synchronized long suppressed()
    {
        return suppressed;
    }
}
