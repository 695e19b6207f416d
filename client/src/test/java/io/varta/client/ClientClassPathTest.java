package io.varta.client;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The client's class path (its compile and test scope: varta-client, varta-vlp, JUnit, Jackson) holds no observer
 * class and no Prometheus class: the agent library does not drag the observer in. {@code ClientJarIT} checks the
 * packed jar and its declared dependencies.
 */
class ClientClassPathTest
{
    @Test
    void noObserverAndNoPrometheusClassIsReachable()
    {
        for (final String name : new String[] {"io.varta.watch.daemon.Main", "io.varta.watch.nativeio.Natives",
            "io.varta.watch.observer.ObserverLoop", "io.prometheus.metrics.core.metrics.Counter",
            "io.prometheus.metrics.model.registry.PrometheusRegistry"})
        {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(name, false, getClass().getClassLoader()),
                name);
        }
    }
}
