package io.varta.watch.observer;

import io.varta.watch.nativeio.SupervisionNatives;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What the observer loop publishes about its own progress, for the native self-watchdog thread and the
 * heartbeat file: the {@link LoopStage} it is in and when it entered it, when the current iteration began, when
 * it will wake up at the latest while it sleeps, how many iterations it completed and the observer clock of the
 * latest one. One 64-byte block of native memory whose layout and protocol live in
 * {@code native/include/varta/loop_progress.h} (the offsets are read from the library, never restated here).
 *
 * <p>Cost per stage change: one {@link System#nanoTime()} and one release store; no allocation, no lock.
 * Times are {@link System#nanoTime()} (CLOCK_MONOTONIC on Linux, the clock the native thread reads).
 *
 * <p>Threading: the package-private writers are for the observer thread only (one writer); the public readers
 * may be called from any thread.
 */
public final class LoopProgress
{
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final int STAGE_WORD;
    private static final int ITERATION_START;
    private static final int SLEEP_UNTIL;
    private static final int ITERATIONS;
    private static final int OBSERVER_NS;
    private static final int BYTES;
    private static final long STAGE_MASK;

    static
    {
        final int[] c = SupervisionNatives.constants();
        STAGE_WORD = c[0];
        ITERATION_START = c[1];
        SLEEP_UNTIL = c[2];
        ITERATIONS = c[3];
        OBSERVER_NS = c[4];
        BYTES = c[5];
        STAGE_MASK = (1L << c[6]) - 1;
        if (LoopStage.values().length > STAGE_MASK + 1)
        {
            throw new ExceptionInInitializerError("more loop stages than the progress block's stage bits hold");
        }
    }

    private static final LoopStage[] STAGES = LoopStage.values();

    private final ByteBuffer block;
    /** The writer's own count of completed iterations. */
    private long completed;

    /** Any thread; the loop then writes it from its own thread. Starts in {@link LoopStage#STARTING}. */
    public LoopProgress()
    {
        this.block = ByteBuffer.allocateDirect(2 * BYTES).alignedSlice(BYTES).order(ByteOrder.nativeOrder());
        publish(LoopStage.STARTING, System.nanoTime());
    }

    // ---- writer: the observer thread ------------------------------------------------------------------------

    /** Observer thread: a new iteration begins with {@link LoopStage#DRAIN}; returns its start time. */
    long beginIteration()
    {
        final long now = System.nanoTime();
        LONG.setOpaque(block, ITERATION_START, now);
        enter(LoopStage.DRAIN, now);
        return now;
    }

    /** Observer thread: the loop enters {@code stage} now. */
    void enter(final LoopStage stage)
    {
        enter(stage, System.nanoTime());
    }

    /** Observer thread: the loop goes to sleep for at most {@code timeoutNanos} (its announced wake-up). */
    void enterSleep(final long timeoutNanos)
    {
        final long now = System.nanoTime();
        LONG.setOpaque(block, SLEEP_UNTIL, now + timeoutNanos);
        enter(LoopStage.SLEEP, now);
    }

    /** Observer thread: an iteration completed; {@code observerNanos} is the observer clock it ran at. */
    void endIteration(final long observerNanos)
    {
        LONG.setOpaque(block, OBSERVER_NS, observerNanos);
        LONG.setRelease(block, ITERATIONS, ++completed);
    }

    /** Observer thread: the loop has returned. */
    void stopped()
    {
        publish(LoopStage.STOPPED, System.nanoTime());
    }

    private void enter(final LoopStage stage, final long now)
    {
        publish(stage, now);
        if (stage == LoopWedge.armedStage())
        {
            LoopWedge.hold(stage); // test-only (see LoopWedge): never armed in a real run
        }
    }

    private void publish(final LoopStage stage, final long now)
    {
        LONG.setRelease(block, STAGE_WORD, (now & ~STAGE_MASK) | stage.code());
    }

    // ---- readers: any thread ---------------------------------------------------------------------------------

    /**
     * Any thread.
     *
     * @return completed iterations (only goes up)
     */
    public long iterations()
    {
        return (long)LONG.getAcquire(block, ITERATIONS);
    }

    /**
     * Any thread; read after {@link #iterations()} it belongs to that iteration or a later one.
     *
     * @return the observer clock (nanoseconds) of the latest completed iteration, 0 before the first
     */
    public long observerNanos()
    {
        return (long)LONG.getOpaque(block, OBSERVER_NS);
    }

    /**
     * Any thread.
     *
     * @return the stage the loop is in
     */
    public LoopStage stage()
    {
        return STAGES[(int)((long)LONG.getAcquire(block, STAGE_WORD) & STAGE_MASK)];
    }

    /**
     * Any thread.
     *
     * @return {@link System#nanoTime()} when the loop entered its current stage (to 16 ns)
     */
    public long stageEnteredNanos()
    {
        return (long)LONG.getAcquire(block, STAGE_WORD) & ~STAGE_MASK;
    }

    /**
     * Any thread: the block itself, read-only, for {@link SupervisionNatives#watchdogStart} (the native thread
     * reads it by address; it lives as long as this object).
     *
     * @return a read-only view of the 64-byte-aligned block
     */
    public ByteBuffer nativeBlock()
    {
        return block.asReadOnlyBuffer();
    }
}
