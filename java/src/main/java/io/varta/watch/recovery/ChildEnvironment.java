package io.varta.watch.recovery;

import io.varta.watch.nativeio.PathBytes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recovery child's environment. By default it is cleared to {@code PATH=/usr/bin:/bin} plus each
 * {@code --recovery-env KEY=VALUE}; with {@code --recovery-inherit-env} it is the observer's whole environment,
 * {@code --recovery-env} entries overriding. Either way the child also gets {@code VARTA_PID=<stalled pid>},
 * which overrides a {@code VARTA_PID} given any other way.
 *
 * <pre>{@code
 * ChildEnvironment env = ChildEnvironment.of(List.of("RUST_LOG=info"), false, System.getenv());
 * byte[][] entries = env.entriesFor(4242); // PATH=/usr/bin:/bin, RUST_LOG=info, VARTA_PID=4242
 * }</pre>
 *
 * <p>Immutable; any thread.
 */
public final class ChildEnvironment
{
    /** The variable that carries the stalled pid. */
    public static final String PID_VARIABLE = "VARTA_PID";

    private final byte[][] fixed;
    private final List<String> entries;

    private ChildEnvironment(final Map<String, String> variables)
    {
        variables.remove(PID_VARIABLE);
        this.entries = new ArrayList<>(variables.size());
        this.fixed = new byte[variables.size()][];
        int i = 0;
        for (final Map.Entry<String, String> e : variables.entrySet())
        {
            final String entry = e.getKey() + "=" + e.getValue();
            entries.add(entry);
            fixed[i++] = PathBytes.encode(entry);
        }
    }

    /**
     * Checks one {@code --recovery-env} value. Any thread.
     *
     * @param entry the flag's value
     * @return null when it is a valid {@code KEY=VALUE}, else what is wrong with it
     */
    public static String entryProblem(final String entry)
    {
        if (entry.indexOf('\0') >= 0)
        {
            return "must not contain a NUL byte";
        }
        final int equals = entry.indexOf('=');
        if (equals < 0)
        {
            return "expected KEY=VALUE";
        }
        if (0 == equals)
        {
            return "KEY must not be empty";
        }
        return null;
    }

    /**
     * Any thread.
     *
     * @param recoveryEnv the {@code --recovery-env} entries in command-line order (each valid, see
     *     {@link #entryProblem}); a later entry for the same key wins
     * @param inheritAll {@code --recovery-inherit-env}
     * @param observerEnvironment the observer's environment (normally {@link System#getenv()})
     * @return the environment
     * @throws IllegalArgumentException for an invalid entry
     */
    public static ChildEnvironment of(final List<String> recoveryEnv, final boolean inheritAll,
        final Map<String, String> observerEnvironment)
    {
        final Map<String, String> variables = new LinkedHashMap<>();
        if (inheritAll)
        {
            variables.putAll(observerEnvironment);
        }
        else
        {
            variables.put("PATH", RecoveryConfig.DEFAULT_CHILD_PATH);
        }
        for (final String entry : recoveryEnv)
        {
            final String problem = entryProblem(entry);
            if (null != problem)
            {
                throw new IllegalArgumentException("--recovery-env: " + problem + ": " + entry);
            }
            final int equals = entry.indexOf('=');
            variables.put(entry.substring(0, equals), entry.substring(equals + 1));
        }
        return new ChildEnvironment(variables);
    }

    /**
     * The child's whole environment for one stalled pid. Any thread.
     *
     * @param pid unsigned 32-bit pid
     * @return {@code KEY=VALUE} entries, {@code VARTA_PID=<pid>} last
     */
    public byte[][] entriesFor(final long pid)
    {
        final byte[][] all = java.util.Arrays.copyOf(fixed, fixed.length + 1);
        all[fixed.length] = (PID_VARIABLE + "=" + pid).getBytes(StandardCharsets.US_ASCII);
        return all;
    }

    /** @return the entries every child gets, {@code VARTA_PID} excluded (for tests and messages); any thread */
    public List<String> entries()
    {
        return List.copyOf(entries);
    }
}
