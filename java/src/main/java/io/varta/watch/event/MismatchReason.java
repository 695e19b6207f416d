package io.varta.watch.event;

import java.nio.charset.StandardCharsets;

/**
 * Why a frame's claimed pid was refused: the payload column of a {@code mismatch} export line.
 *
 * <p>Immutable; any thread.
 */
public enum MismatchReason
{
    /** Secure-UDP frame failed authentication. */
    AUTH_FAILURE("auth_failure"),
    /** The pid is already tracked from another transport / origin. */
    ORIGIN_CONFLICT("origin_conflict"),
    /** The sender lives in another pid namespace. */
    NAMESPACE_CONFLICT("namespace_conflict");

    private final String label;
    private final byte[] bytes;

    MismatchReason(final String label)
    {
        this.label = label;
        this.bytes = label.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The text written to the export file. Any thread.
     *
     * @return e.g. {@code auth_failure}
     */
    public String label()
    {
        return label;
    }

    public byte[] bytes()
    {
        return bytes;
    }
}
