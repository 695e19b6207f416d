package io.varta.watch.observer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * <b>TEST ONLY.</b> Wedges the observer loop once, in a chosen stage, for a chosen time, so that black-box tests
 * can watch the self-watchdog abort a wedged {@code bin/varta-watch} and name the stage.
 *
 * <p>Why an operator cannot trigger it: nothing in the shipped jar calls {@link #arm}. No flag, system property
 * or environment variable reaches it (the launcher appends {@code $JAVA_OPTS} to the JVM's command line, so a
 * property would be one typo away from production). Only code running inside the JVM can arm it; the tests
 * load such code as a {@code -javaagent} jar they build from their own test classes at run time
 * ({@code testsupport/WedgeAgent}), which is never shipped. Loading an agent into a production JVM already
 * means running arbitrary code in it; this class gives such code nothing it could not do anyway.
 *
 * <p>Cost when not armed: one static volatile read per stage change.
 *
 * <p>Threading: {@link #arm} from any thread; {@link #hold} runs on the observer thread.
 */
public final class LoopWedge
{
    private static volatile LoopStage armed;
    private static volatile long holdNanos;

    private LoopWedge()
    {
    }

    /**
     * TEST ONLY. Makes the observer loop stop for {@code millis} the next time it enters the stage labelled
     * {@code stageLabel} (once). Any thread.
     *
     * @param stageLabel a {@link LoopStage#label()}, e.g. {@code flush}
     * @param millis how long the loop stays in that stage
     */
    public static void arm(final String stageLabel, final long millis)
    {
        holdNanos = TimeUnit.MILLISECONDS.toNanos(millis);
        armed = LoopStage.byLabel(stageLabel);
    }

    /** The stage a wedge is armed for, or null (always null in a real run). Observer thread. */
    static LoopStage armedStage()
    {
        return armed;
    }

    /** Observer thread: the wedge itself. The loop has already published that it entered {@code stage}. */
    static void hold(final LoopStage stage)
    {
        armed = null;
        final long nanos = holdNanos;
        System.err.println("varta-watch: TEST ONLY: wedging the observer loop in stage '" + stage.label() + "' for "
            + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms");
        System.err.flush();
        final long until = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = until - System.nanoTime())
        {
            LockSupport.parkNanos(left);
        }
    }
}
