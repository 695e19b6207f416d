package io.varta.vlp;

/**
 * The VLP status byte. Values 0..2 travel on the wire; {@link #STALL} (3) is created by the observer
 * after silence and is rejected on the wire ({@link DecodeError#STALL_ON_WIRE}). The numbers are also
 * the values of the {@code varta_status} gauge.
 *
 * <p>Immutable; any thread.
 */
public enum Status
{
    OK(0, "ok"),
    DEGRADED(1, "degraded"),
    CRITICAL(2, "critical"),
    STALL(3, "stall");

    private static final Status[] BY_CODE = values();

    private final int code;
    private final String label;

    Status(final int code, final String label)
    {
        this.code = code;
        this.label = label;
    }

    /** The status byte / gauge value. */
    public int code()
    {
        return code;
    }

    /** Lower-case name as the export file prints it ({@code ok}, {@code degraded}, ...). */
    public String label()
    {
        return label;
    }

    /**
     * @param code 0..3
     * @return the status with that code
     * @throws IllegalArgumentException for any other code
     */
    public static Status ofCode(final int code)
    {
        if (code < 0 || code >= BY_CODE.length)
        {
            throw new IllegalArgumentException("no status with code " + code);
        }
        return BY_CODE[code];
    }
}
