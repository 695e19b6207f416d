/*
 * test_arrival_clock.c - the step detector: real steps widen bounds, sampling noise does not.
 */
#include "support.h"

#include "varta/arrival_clock.h"

#include <stdint.h>
#include <time.h>

static struct varta_clock_pair pair_of(int64_t offset, int precise)
{
    struct varta_clock_pair p = { .mono_ns = 1000000000u, .offset_ns = offset, .precise = precise };
    return p;
}

static void an_imprecise_sample_is_noise_not_a_step(void)
{
    struct varta_step_detector d = { 0 };
    struct varta_clock_step step;
    struct varta_clock_pair first = pair_of(5000000000, 1);
    varta_step_detector_update(&d, &first, &step);
    /* preempted between its reads: the difference looks 30 ms off */
    struct varta_clock_pair noisy = pair_of(5030000000, 0);
    varta_step_detector_update(&d, &noisy, &step);
    CHECK(step.forward_ns == 0 && step.backward_ns == 0, "no step reported for an imprecise sample");
    CHECK(noisy.offset_ns == 5000000000, "converted with the known difference, got %lld", (long long)noisy.offset_ns);
    struct timespec stamp = { .tv_sec = 6, .tv_nsec = 0 };
    CHECK(varta_arrival_monotonic_ns(&stamp, &noisy) == 1000000000u, "arrival time unaffected by the noise");
}

static void a_precise_sample_that_moved_is_a_step(void)
{
    struct varta_step_detector d = { 0 };
    struct varta_clock_step step;
    struct varta_clock_pair first = pair_of(5000000000, 1);
    varta_step_detector_update(&d, &first, &step);
    struct varta_clock_pair stepped = pair_of(5030000000, 1);
    varta_step_detector_update(&d, &stepped, &step);
    CHECK(step.forward_ns == 30000000u, "forward step of 30 ms, got %llu", (unsigned long long)step.forward_ns);
    struct varta_clock_pair back = pair_of(5010000000, 1);
    varta_step_detector_update(&d, &back, &step);
    CHECK(step.backward_ns == 20000000u, "backward step of 20 ms, got %llu", (unsigned long long)step.backward_ns);
}

static void a_real_sample_is_precise_on_an_idle_thread(void)
{
    int precise = 0;
    for (int i = 0; i < 100 && !precise; i++) {
        struct varta_clock_pair p;
        varta_clock_pair_sample(&p);
        precise = p.precise;
    }
    CHECK(precise, "at least one of 100 samples brackets its realtime read tightly");
}

int main(void)
{
    an_imprecise_sample_is_noise_not_a_step();
    a_precise_sample_that_moved_is_a_step();
    a_real_sample_is_precise_on_an_idle_thread();
    return check_summary("test_arrival_clock");
}
