package io.varta.watch.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.OptionalDouble;
import java.util.function.Predicate;

/**
 * A {@code /metrics} endpoint of an observer under test: a fresh token and its private token file, the flags that
 * enable the endpoint, the bound address read from the observer's only stdout line, and scrapes that retry until a
 * condition holds (the body is cached for a second).
 */
public final class PromEndpoint
{
    private final String token;
    private final Path tokenFile;
    private String address;

    /** Writes a fresh token file (mode 0600) into {@code dir}. */
    public PromEndpoint(final Path dir) throws IOException
    {
        final byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        this.token = HexFormat.of().formatHex(raw);
        this.tokenFile = dir.resolve("prom-" + System.nanoTime() + ".token");
        Files.writeString(tokenFile, token + "\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
    }

    /** @return the flags that serve /metrics on an ephemeral loopback port with this token */
    public String[] flags()
    {
        return new String[] {"--prom-addr", "127.0.0.1:0", "--prom-token-file", tokenFile.toString()};
    }

    /** Waits for the observer's stdout line (the bound IP:PORT). */
    public String address(final ObserverProcess observer) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (null == address)
        {
            final String out = observer.stdout();
            if (out.contains("\n"))
            {
                address = out.substring(0, out.indexOf('\n'));
            }
            else if (!observer.process().isAlive())
            {
                throw new AssertionError("exited " + observer.exitCode() + ": " + observer.stderr());
            }
            else if (System.nanoTime() > deadline)
            {
                throw new AssertionError("no address line; stderr: " + observer.stderr());
            }
            else
            {
                Thread.sleep(20);
            }
        }
        return address;
    }

    /** Scrapes until a 200 response satisfies {@code done}; fails after {@code limit} with the last body. */
    public Scrape scrapeUntil(final ObserverProcess observer, final Duration limit, final Predicate<Scrape> done)
        throws Exception
    {
        final String at = address(observer);
        final long deadline = System.nanoTime() + limit.toNanos();
        Scrape last = null;
        while (System.nanoTime() < deadline)
        {
            last = Scrape.get(at, token);
            if (200 == last.status() && done.test(last))
            {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("condition not met; last scrape:\n" + last + "\nstderr: " + observer.stderr());
    }

    /** @return true when the series is present with exactly this value */
    public static boolean is(final Scrape scrape, final String series, final double expected)
    {
        final OptionalDouble v = scrape.value(series);
        return v.isPresent() && v.getAsDouble() == expected;
    }
}
