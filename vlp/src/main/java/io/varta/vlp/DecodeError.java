package io.varta.vlp;

/**
 * Why a 32-byte datagram was not a valid VLP v0.2 frame, in the normative check order.
 * The ordinal + 1 is the code the native decoder writes into the ring
 * ({@code enum varta_decode_error} in {@code native/include/varta/vlp.h}).
 *
 * <p>Immutable; any thread.
 */
public enum DecodeError
{
    BAD_MAGIC("BadMagic", "bad_magic"),
    BAD_VERSION("BadVersion", "bad_version"),
    BAD_CRC("BadCrc", "bad_crc"),
    BAD_STATUS("BadStatus", "bad_status"),
    STALL_ON_WIRE("StallOnWire", "stall_on_wire"),
    BAD_PID("BadPid", "bad_pid"),
    BAD_TIMESTAMP("BadTimestamp", "bad_timestamp"),
    BAD_NONCE("BadNonce", "bad_nonce");

    private static final DecodeError[] BY_CODE = values();

    private final String wireName;
    private final String metricLabel;

    DecodeError(final String wireName, final String metricLabel)
    {
        this.wireName = wireName;
        this.metricLabel = metricLabel;
    }

    /** Name as the reference prints it in the export file ({@code BadMagic}, ...). */
    public String wireName()
    {
        return wireName;
    }

    /** The {@code kind} label of {@code varta_decode_errors_total}. */
    public String metricLabel()
    {
        return metricLabel;
    }

    /** Code used by the native decoder: 1..8. */
    public int code()
    {
        return ordinal() + 1;
    }

    /**
     * @param code 1..8, as written by the native decoder
     * @return the matching error
     */
    public static DecodeError ofCode(final int code)
    {
        if (code < 1 || code > BY_CODE.length)
        {
            throw new IllegalArgumentException("no decode error with code " + code);
        }
        return BY_CODE[code - 1];
    }
}
