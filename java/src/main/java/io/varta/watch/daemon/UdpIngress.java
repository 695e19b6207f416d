package io.varta.watch.daemon;

import io.varta.watch.cli.Options;
import io.varta.watch.ingress.IpPort;
import io.varta.watch.ingress.Listener;
import io.varta.watch.ingress.SecureUdpKeys;
import io.varta.watch.ingress.SecureUdpListener;
import io.varta.watch.ingress.UdpListener;
import io.varta.watch.log.Diagnostics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Which UDP listener the options ask for, and its start-up, as the reference decides it
 * (the reference's feature list §2.3): with {@code --udp-port}
 * <ol>
 *   <li>any key file: the secure listener (default bind {@value SecureUdpListener#DEFAULT_BIND_ADDRESS});</li>
 *   <li>else {@code --i-accept-plaintext-udp}: the plaintext listener (default bind
 *       {@value UdpListener#DEFAULT_BIND_ADDRESS}) and a loud warning;</li>
 *   <li>else a start-up error (exit 1) naming the missing opt-in.</li>
 * </ol>
 * Two steps, so that secrets are read before anything is bound: {@link #prepare} reads the key files (and
 * resolves libcrypto), {@link #bind} binds after the UDS socket and logs {@code udp listener bound to IP:PORT}
 * (the ephemeral port filled in) and the reference's warnings. The listener's accept flag stamps its beats
 * {@code OPERATOR_ATTESTED_TRANSPORT}.
 *
 * <p>Threading: the daemon's main thread.
 */
final class UdpIngress implements AutoCloseable
{
    private final Options options;
    private final Diagnostics log;
    private SecureUdpKeys keys;

    private UdpIngress(final Options options, final Diagnostics log, final SecureUdpKeys keys)
    {
        this.options = options;
        this.log = log;
        this.keys = keys;
    }

    /**
     * Decides the listener and reads its keys. Main thread.
     *
     * @param options validated options
     * @param log diagnostics
     * @return the prepared ingress (nothing to bind without {@code --udp-port})
     * @throws IOException the runtime errors of the reference: no key and no plaintext opt-in, a key file that
     *     breaks a rule or holds no valid key, libcrypto missing
     */
    static UdpIngress prepare(final Options options, final Diagnostics log) throws IOException
    {
        if (options.udpPort().isEmpty())
        {
            if (options.hasKeyFile())
            {
                log.warn("key files are given without --udp-port: no secure UDP listener is started and the keys"
                    + " are not read");
            }
            return new UdpIngress(options, log, null);
        }
        if (options.hasKeyFile())
        {
            return new UdpIngress(options, log, SecureUdpKeys.load(options.keyFile(), options.acceptedKeyFile(),
                options.masterKeyFile(), TimeUnit.MILLISECONDS.toNanos(options.thresholdMs())));
        }
        if (!options.acceptPlaintextUdp())
        {
            throw new IOException("--udp-port " + options.udpPort().getAsInt() + ": no AEAD key is configured"
                + " (--key-file, --accepted-key-file or --master-key-file) and --i-accept-plaintext-udp is not set;"
                + " refusing to start an unauthenticated UDP listener");
        }
        return new UdpIngress(options, log, null);
    }

    /**
     * Binds the listener decided by {@link #prepare}, which the caller then owns. Main thread.
     *
     * @return the listener, empty without {@code --udp-port}
     * @throws IOException when the address cannot be bound
     */
    Optional<Listener> bind() throws IOException
    {
        if (options.udpPort().isEmpty())
        {
            return Optional.empty();
        }
        final int port = options.udpPort().getAsInt();
        if (null != keys)
        {
            final InetAddress ip = options.udpBindAddr().orElse(InetAddress.getByName(SecureUdpListener.DEFAULT_BIND_ADDRESS));
            final SecureUdpKeys owned = keys;
            keys = null; // the listener owns them now, also if the bind fails
            final SecureUdpListener listener = SecureUdpListener.bind(new InetSocketAddress(ip, port), owned,
                options.secureUdpAcceptRecovery());
            if (!ip.isLoopbackAddress())
            {
                log.warn("secure UDP listener on non-loopback address " + IpPort.format(listener.boundAddress())
                    + " (--i-accept-secure-udp-non-loopback): firewall it to the agents' hosts; anyone who can reach"
                    + " it costs the observer one AEAD trial per key per datagram");
            }
            if (options.secureUdpAcceptRecovery())
            {
                warnAccepted("--secure-udp-i-accept-recovery-on-unauthenticated-transport", "secure UDP");
            }
            // last: the line that says the listener is ready (tests and scripts wait for it)
            log.info("udp listener bound to " + IpPort.format(listener.boundAddress()) + " (secure: "
                + owned.sharedKeys() + " shared key" + (owned.sharedKeys() == 1 ? "" : "s")
                + (owned.hasMasterKey() ? ", master key" : "") + ")");
            return Optional.of(listener);
        }
        final InetAddress ip = options.udpBindAddr().orElse(InetAddress.getByName(UdpListener.DEFAULT_BIND_ADDRESS));
        final UdpListener listener = UdpListener.bind(new InetSocketAddress(ip, port),
            options.plaintextUdpAcceptRecovery());
        log.warn("plaintext UDP listener on " + IpPort.format(listener.boundAddress()) + " is running WITHOUT"
            + " authentication (--i-accept-plaintext-udp): anyone who can reach it can forge beats for any pid;"
            + " NOT for production, use --key-file");
        if (options.plaintextUdpAcceptRecovery())
        {
            warnAccepted("--plaintext-udp-i-accept-recovery-on-unauthenticated-transport", "plaintext UDP");
        }
        log.info("udp listener bound to " + IpPort.format(listener.boundAddress()) + " (plaintext)");
        return Optional.of(listener);
    }

    private void warnAccepted(final String flag, final String transport)
    {
        log.warn(flag + ": beats over " + transport + " count as operator-attested, so recovery may run for"
            + " their stalls; NOT for safety-critical use");
    }

    /** Frees keys that were read but never handed to a listener. Idempotent; main thread. */
    @Override
    public void close()
    {
        if (null != keys)
        {
            keys.close();
            keys = null;
        }
    }
}
