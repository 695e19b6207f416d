package io.varta.watch.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the native {@code varta-send --udp HOST:PORT [--key-file F | --master-key-file F]} as a separate sender
 * process, and writes key files the way an operator does ({@code openssl rand -hex 32}, mode 0600). Items as
 * {@link Sender}'s plus {@code beatpids:}, {@code sealhex:}, {@code again:}, {@code prefix:}, {@code counter:} and
 * {@code random:} (see {@code native/tools/varta_send.c}).
 */
public final class UdpSender
{
    private UdpSender()
    {
    }

    /** A fresh random 64-hex key. */
    public static String randomKey()
    {
        final byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return HexFormat.of().formatHex(key);
    }

    /** Writes {@code content} to {@code dir/name} with {@code mode} (e.g. {@code rw-------}). */
    public static Path keyFile(final Path dir, final String name, final String content, final String mode)
        throws IOException
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    /**
     * Sends from a new process and waits for it.
     *
     * @param target {@code IP:PORT} or {@code [v6]:PORT}
     * @param options e.g. {@code List.of("--key-file", path)}, or empty for plaintext
     * @param items what to send
     * @return the sender's pid (the pid its {@code beat:} frames carry)
     */
    public static long send(final String target, final List<String> options, final String... items)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Sender.tool().toString());
        command.add("--udp");
        command.add(target);
        command.addAll(options);
        command.addAll(List.of(items));
        final Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new AssertionError("varta-send did not finish");
        }
        if (0 != p.exitValue())
        {
            throw new AssertionError("varta-send failed: " + new String(p.getErrorStream().readAllBytes()));
        }
        return p.pid();
    }
}
