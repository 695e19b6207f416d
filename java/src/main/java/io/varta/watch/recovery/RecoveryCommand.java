package io.varta.watch.recovery;

import io.varta.watch.nativeio.PathBytes;
import io.varta.watch.files.PrivateFile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The recovery command: {@code --recovery-exec "prog arg {pid}"} or the contents of {@code --recovery-exec-file},
 * split on ASCII whitespace into argv. There is no shell, no quoting and no escaping: {@code "$(touch /tmp/x)"}
 * reaches the child as that literal text. In every argument after argv[0], each {@code {pid}} is replaced by
 * the stalled pid in decimal; argv[0] is used as given (a bare name is looked up in the child's {@code PATH}).
 * Arguments are bytes, as the kernel sees them: the command line's text in the JVM's file-name encoding, the
 * exec file's bytes unchanged.
 *
 * <pre>{@code
 * RecoveryCommand command = RecoveryCommand.resolve(Optional.of("systemctl restart agent@{pid}"),
 *     Optional.empty()).orElseThrow();
 * byte[][] argv = command.argvFor(4242); // systemctl, restart, agent@4242
 * }</pre>
 *
 * <p>Immutable; any thread.
 */
public final class RecoveryCommand
{
    /** The placeholder replaced by the pid. */
    public static final String PID_PLACEHOLDER = "{pid}";
    /** {@link #source()} of a command given with {@code --recovery-exec}. */
    public static final String INLINE_SOURCE = "inline";

    private static final byte[] PLACEHOLDER = {'{', 'p', 'i', 'd', '}'};

    private final byte[][] template;
    private final boolean[] hasPlaceholder;
    private final String source;

    private RecoveryCommand(final byte[][] template, final String source)
    {
        this.template = template;
        this.source = source;
        this.hasPlaceholder = new boolean[template.length];
        for (int i = 1; i < template.length; i++)
        {
            hasPlaceholder[i] = indexOf(template[i], 0) >= 0;
        }
    }

    /**
     * The startup rules of the reference (each failure is a runtime error, exit 1). Any thread.
     *
     * @param inline {@code --recovery-exec}
     * @param file {@code --recovery-exec-file}, read with the private-file rules
     * @return the command, or empty when neither flag was given (recovery off)
     * @throws IllegalArgumentException "--recovery-exec and --recovery-exec-file are mutually exclusive", or
     *     "--recovery-exec: command must not be empty"
     * @throws IOException the private-file messages ({@code <path>: must not be a symlink}, ...) or
     *     "{@code <path>: file is empty}"
     */
    public static Optional<RecoveryCommand> resolve(final Optional<byte[]> inline, final Optional<PathBytes> file)
        throws IOException
    {
        if (inline.isPresent() && file.isPresent())
        {
            throw new IllegalArgumentException("--recovery-exec and --recovery-exec-file are mutually exclusive");
        }
        if (inline.isPresent())
        {
            return Optional.of(of(inline.get()));
        }
        if (file.isPresent())
        {
            final byte[] content = PrivateFile.readSecret(file.get());
            try
            {
                final byte[][] argv = split(content);
                if (0 == argv.length)
                {
                    throw new IOException(file.get() + ": file is empty");
                }
                return Optional.of(new RecoveryCommand(argv, file.get().toString()));
            }
            finally
            {
                Arrays.fill(content, (byte)0);
            }
        }
        return Optional.empty();
    }

    /**
     * A command from text, as {@code --recovery-exec} gives it. Any thread.
     *
     * @param commandLine e.g. {@code "/usr/bin/touch /run/marker-{pid}"}
     * @return the command
     * @throws IllegalArgumentException "--recovery-exec: command must not be empty" when it has no word
     */
    public static RecoveryCommand of(final String commandLine)
    {
        return of(PathBytes.encode(commandLine));
    }

    /**
     * A command from the bytes {@code --recovery-exec} was given as (its words are bytes, like paths: never
     * re-encoded). Any thread.
     *
     * @param commandLine e.g. the bytes of {@code "/usr/bin/touch /run/marker-{pid}"}
     * @return the command
     * @throws IllegalArgumentException "--recovery-exec: command must not be empty" when it has no word
     */
    public static RecoveryCommand of(final byte[] commandLine)
    {
        final byte[][] argv = split(commandLine);
        if (0 == argv.length)
        {
            throw new IllegalArgumentException("--recovery-exec: command must not be empty");
        }
        return new RecoveryCommand(argv, INLINE_SOURCE);
    }

    /**
     * Splits on ASCII whitespace (space, tab, LF, FF, CR: Rust's {@code split_ascii_whitespace}); leading, trailing
     * and repeated whitespace produce no empty words.
     */
    static byte[][] split(final byte[] text)
    {
        final List<byte[]> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= text.length; i++)
        {
            final boolean space = i == text.length || isAsciiWhitespace(text[i]);
            if (space && start >= 0)
            {
                words.add(Arrays.copyOfRange(text, start, i));
                start = -1;
            }
            else if (!space && start < 0)
            {
                start = i;
            }
        }
        return words.toArray(new byte[0][]);
    }

    private static boolean isAsciiWhitespace(final byte b)
    {
        return ' ' == b || '\t' == b || '\n' == b || '\f' == b || '\r' == b;
    }

    /**
     * The argv for one stalled pid. Any thread; allocates the arguments that carry the placeholder.
     *
     * @param pid unsigned 32-bit pid
     * @return argv, {@code {pid}} replaced in every argument after argv[0]
     */
    public byte[][] argvFor(final long pid)
    {
        final byte[][] argv = template.clone();
        byte[] digits = null;
        for (int i = 1; i < argv.length; i++)
        {
            if (hasPlaceholder[i])
            {
                if (null == digits)
                {
                    digits = Long.toString(pid).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                }
                argv[i] = substitute(template[i], digits);
            }
        }
        return argv;
    }

    private static byte[] substitute(final byte[] argument, final byte[] digits)
    {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(argument.length + 8);
        int from = 0;
        for (int at = indexOf(argument, 0); at >= 0; at = indexOf(argument, from))
        {
            out.write(argument, from, at - from);
            out.write(digits, 0, digits.length);
            from = at + PLACEHOLDER.length;
        }
        out.write(argument, from, argument.length - from);
        return out.toByteArray();
    }

    private static int indexOf(final byte[] argument, final int from)
    {
        outer:
        for (int i = from; i <= argument.length - PLACEHOLDER.length; i++)
        {
            for (int j = 0; j < PLACEHOLDER.length; j++)
            {
                if (argument[i + j] != PLACEHOLDER[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** @return argv[0] as text (the audit record's {@code program}); any thread */
    public String program()
    {
        return PathBytes.decode(template[0]);
    }

    /** @return {@value #INLINE_SOURCE} or the exec file's path (the audit record's {@code source}); any thread */
    public String source()
    {
        return source;
    }

    /** @return byte length of the template's words joined by single spaces (the audit record's {@code template_len}) */
    public int templateLength()
    {
        int length = template.length - 1;
        for (final byte[] word : template)
        {
            length += word.length;
        }
        return length;
    }

    /** @return the template's words as text, placeholders unreplaced (for messages and tests); any thread */
    public List<String> words()
    {
        final List<String> words = new ArrayList<>(template.length);
        for (final byte[] word : template)
        {
            words.add(PathBytes.decode(word));
        }
        return words;
    }
}
