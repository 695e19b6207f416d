package io.varta.watch.audit;

/**
 * Why a {@code boot} record was written: the last column before the chain of a boot record.
 *
 * <p>Immutable; any thread.
 */
public enum BootReason
{
    /** A new or empty file: the chain starts from 32 zero bytes. */
    FRESH("fresh"),
    /** A v2 file whose tail held a whole record: {@code seq} and the chain continue from it. */
    RESUME("resume"),
    /** A file with a v1 header: a v2 header is appended and a v2 section starts (chain from zero, seq 1). */
    LEGACY_V1("legacy_v1"),
    /**
     * A v2 file with a torn last line (cut back to the last newline) or with lines after its last record that are
     * not records: {@code seq} and the chain continue from the last whole record.
     */
    CORRUPT_TAIL("corrupt_tail"),
    /** A file whose header is neither v1 nor v2: a v2 section is appended (chain from zero, seq 1). */
    SCHEMA_DRIFT("schema_drift"),
    /** The first record of a new generation after rotation; its {@code prev_chain} is the old file's last chain. */
    ROTATION("rotation");

    private final String label;

    BootReason(final String label)
    {
        this.label = label;
    }

    /**
     * Any thread.
     *
     * @return the column text, e.g. {@code corrupt_tail}
     */
    public String label()
    {
        return label;
    }

    /**
     * Any thread.
     *
     * @param label a reason column
     * @return the reason, or {@code null} when the label names none
     */
    public static BootReason ofLabel(final String label)
    {
        for (final BootReason reason : values())
        {
            if (reason.label.equals(label))
            {
                return reason;
            }
        }
        return null;
    }
}
