package io.varta.watch.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.varta.watch.tracker.BeatOrigin;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import org.junit.jupiter.api.Test;

/**
 * The ring's Java numbers. That they equal the loaded library's is checked by name when the library loads
 * ({@link NativeLibrary}); these tests show the check ran and covered every constant.
 */
class RingLayoutTest
{
    @Test
    void loadedLibraryHasThisBuildsAbiVersionAndEveryDescriptorConstantByName() throws IllegalAccessException
    {
        assertEquals(RingDescriptor.ABI_VERSION, NativeConstants.value("ABI_VERSION"));
        for (final Field field : RingDescriptor.class.getFields())
        {
            if (Modifier.isStatic(field.getModifiers()) && int.class == field.getType())
            {
                assertEquals(field.getInt(null), NativeConstants.value(field.getName()), field.getName());
            }
        }
    }

    @Test
    void originsAreTheTrackersRanks()
    {
        assertEquals(BeatOrigin.NETWORK_UNVERIFIED, RingDescriptor.ORIGIN_NETWORK_UNVERIFIED);
        assertEquals(BeatOrigin.SOCKET_MODE_ONLY, RingDescriptor.ORIGIN_SOCKET_MODE_ONLY);
        assertEquals(BeatOrigin.OPERATOR_ATTESTED_TRANSPORT, RingDescriptor.ORIGIN_OPERATOR_ATTESTED_TRANSPORT);
        assertEquals(BeatOrigin.KERNEL_ATTESTED, RingDescriptor.ORIGIN_KERNEL_ATTESTED);
    }

    @Test
    void unknownConstantNamesAreRefused()
    {
        assertThrows(IllegalStateException.class, () -> NativeConstants.value("NO_SUCH_CONSTANT"));
    }

    @Test
    void regionSizeIsRecordsPlusTrailer()
    {
        assertEquals(64L * 64 + 640, RingDescriptor.regionBytes(64));
        assertEquals(64L * 64, RingDescriptor.trailerOffset(64));
    }

    @Test
    void ringRejectsCapacitiesThatAreNotPowersOfTwoInRange()
    {
        assertThrows(IllegalArgumentException.class, () -> new Ring(100));
        assertThrows(IllegalArgumentException.class, () -> new Ring(32));
        assertEquals(128, new Ring(128).capacity());
    }

    @Test
    void freshRingIsEmpty()
    {
        final Ring ring = new Ring(64);
        assertEquals(0, ring.available());
        assertEquals(0, ring.fullStalls());
        assertEquals(0, ring.datagramsRead());
        assertEquals(0, ring.drain(record -> { }, 100));
    }
}
