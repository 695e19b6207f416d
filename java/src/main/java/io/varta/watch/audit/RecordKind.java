package io.varta.watch.audit;

import java.nio.charset.StandardCharsets;

/**
 * The four record kinds of the recovery audit log v2, with the number of tab-separated columns each record line has
 * ({@code seq} first and {@code chain} last included):
 * <pre>
 * boot      seq ms ns boot     daemon_pid prev_chain reason                                                    chain
 * spawn     seq ms ns spawn    agent_pid child_pid mode program source template_len                          chain
 * complete  seq ms ns complete agent_pid child_pid outcome exit_code signal duration_ns stdout_len stderr_len
 *           truncated                                                                                        chain
 * refused   seq ms ns refused  agent_pid reason                                                              chain
 * </pre>
 * The kind's label is both the fourth column and the {@code kind} input of the chain hash ({@link AuditChain}).
 *
 * <p>Immutable; any thread.
 */
public enum RecordKind
{
    /** Written by the log itself: at open and at the start of every rotated generation. */
    BOOT("boot", 8),
    /** A recovery child was spawned. */
    SPAWN("spawn", 11),
    /** A recovery child finished (reaped, killed, or its reap failed). */
    COMPLETE("complete", 14),
    /** Recovery was declined for a stalled agent. */
    REFUSED("refused", 7);

    /** Column index of the kind (0-based: seq, wallclock_ms, observer_ns, kind). */
    static final int KIND_COLUMN = 3;

    private final String label;
    private final byte[] bytes;
    private final int columns;

    RecordKind(final String label, final int columns)
    {
        this.label = label;
        this.bytes = label.getBytes(StandardCharsets.US_ASCII);
        this.columns = columns;
    }

    /**
     * Any thread.
     *
     * @return the column text and chain input, e.g. {@code spawn}
     */
    public String label()
    {
        return label;
    }

    /**
     * Any thread.
     *
     * @return {@link #label()} as ASCII bytes (a shared array: do not modify)
     */
    byte[] bytes()
    {
        return bytes;
    }

    /**
     * Any thread.
     *
     * @return tab-separated columns of a record line of this kind, {@code seq} and {@code chain} included
     */
    public int columns()
    {
        return columns;
    }

    /**
     * Any thread.
     *
     * @param label a kind column
     * @return the kind, or {@code null} when the label names none
     */
    public static RecordKind ofLabel(final String label)
    {
        for (final RecordKind kind : values())
        {
            if (kind.label.equals(label))
            {
                return kind;
            }
        }
        return null;
    }
}
