package io.varta.watch.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line's arguments as the bytes the process was started with. The JVM hands {@code main} text it
 * decoded in the locale's charset: under {@code LC_ALL=C} (systemd's default without {@code LANG}) a path such as
 * {@code /run/café.sock} arrives as {@code /run/caf??.sock}, and under UTF-8 a byte 0xFF becomes U+FFFD. Paths are
 * bytes on Linux, so path flags take their value from here instead: {@code /proc/self/cmdline} holds every
 * argument NUL-terminated, and the program's arguments are its last {@code args.length} entries.
 *
 * <p>Stateless; the main thread, once, at start.
 */
final class RawArguments
{
    private static final Path CMDLINE = Path.of("/proc/self/cmdline");

    private RawArguments()
    {
    }

    /**
     * Main thread.
     *
     * @param args the arguments {@code main} received
     * @return each argument's bytes, in order; null when {@code /proc/self/cmdline} cannot be read or does not
     *     end with as many entries as {@code args} has (the parser then encodes the text it got)
     */
    static byte[][] of(final String[] args)
    {
        final byte[] cmdline;
        try (InputStream in = Files.newInputStream(CMDLINE))
        {
            cmdline = in.readAllBytes();
        }
        catch (final IOException | SecurityException e)
        {
            return null;
        }
        final List<byte[]> entries = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++)
        {
            if (0 == cmdline[i])
            {
                entries.add(Arrays.copyOfRange(cmdline, start, i));
                start = i + 1;
            }
        }
        if (entries.size() < args.length)
        {
            return null;
        }
        return entries.subList(entries.size() - args.length, entries.size()).toArray(new byte[0][]);
    }
}
