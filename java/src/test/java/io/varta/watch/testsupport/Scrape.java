package io.varta.watch.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One raw HTTP/1.0 request to the {@code /metrics} endpoint over a plain socket (so a connection closed
 * without any response is visible as an empty reply), and helpers to read values from the text body.
 */
public final class Scrape
{
    private final String raw;

    private Scrape(final String raw)
    {
        this.raw = raw;
    }

    /** Sends {@code method /metrics} with an optional {@code Authorization} value; reads until the server closes. */
    public static Scrape request(final String hostPort, final String method, final String authorization)
        throws IOException
    {
        return request(hostPort, method, "/metrics", authorization);
    }

    /** GET {@code path} (e.g. {@code /metrics?pids=0}) with {@code Bearer <token>}. */
    public static Scrape get(final String hostPort, final String token, final String path) throws IOException
    {
        return request(hostPort, "GET", path, "Bearer " + token);
    }

    /** Sends {@code method path} with an optional {@code Authorization} value; reads until the server closes. */
    public static Scrape request(final String hostPort, final String method, final String path,
        final String authorization) throws IOException
    {
        final int colon = hostPort.lastIndexOf(':');
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1))), 5_000);
            socket.setSoTimeout(10_000);
            final StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.0\r\n");
            if (null != authorization)
            {
                request.append("Authorization: ").append(authorization).append("\r\n");
            }
            request.append("\r\n");
            final OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final InputStream in = socket.getInputStream();
            try
            {
                return new Scrape(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            catch (final java.net.SocketException reset)
            {
                return new Scrape(""); // closed without a response (connection reset)
            }
        }
    }

    /** GET with {@code Bearer <token>}. */
    public static Scrape get(final String hostPort, final String token) throws IOException
    {
        return request(hostPort, "GET", "Bearer " + token);
    }

    /** @return true when the server closed without sending anything */
    public boolean isEmpty()
    {
        return raw.isEmpty();
    }

    /** @return the status code, e.g. 200 */
    public int status()
    {
        if (raw.isEmpty())
        {
            throw new AssertionError("no response");
        }
        return Integer.parseInt(raw.split(" ", 3)[1]);
    }

    /** @return the value of the header (name case-insensitive), or null */
    public String header(final String name)
    {
        for (final String line : head().split("\r\n"))
        {
            final int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name))
            {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private String head()
    {
        final int end = raw.indexOf("\r\n\r\n");
        return end < 0 ? raw : raw.substring(0, end);
    }

    /** @return the body */
    public String body()
    {
        final int end = raw.indexOf("\r\n\r\n");
        return end < 0 ? "" : raw.substring(end + 4);
    }

    /**
     * The value of one series, e.g. {@code value("varta_beats_total{pid=\"12\"}")}.
     *
     * @return the sample value, or empty when the series is absent
     */
    public OptionalDouble value(final String series)
    {
        final Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(body());
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1).toLowerCase(Locale.ROOT)))
            : OptionalDouble.empty();
    }

    @Override
    public String toString()
    {
        return raw;
    }
}
