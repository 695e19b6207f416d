package io.varta.client;

import io.varta.vlp.Frame;
import io.varta.vlp.FrameEncoder;
import io.varta.vlp.Status;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Varta agent: sends 32-byte VLP v0.2 heartbeats from this process to a {@code varta-watch} observer, over its Unix
 * datagram socket ({@link #connect(Path)}), plaintext UDP ({@link #connectUdp}) or ChaCha20-Poly1305 secure UDP
 * ({@link #connectSecureUdp}, {@link #connectSecureUdpWithMaster}).
 *
 * <pre>{@code
 * VartaClient varta = VartaClient.connect(Path.of("/run/varta/varta.sock"));
 * BeatOutcome outcome = varta.beat(Status.OK, queueDepth);   // sent, dropped or failed; never blocks or throws
 * }</pre>
 *
 * <p><b>Beats.</b> {@link #beat(Status, int)} encodes a frame (this process's pid, {@link System#nanoTime()} as the
 * agent timestamp, the next nonce, the payload) and hands it to the kernel without waiting. It returns what became of
 * it ({@link BeatOutcome}); a missing observer is an outcome, not an exception. It allocates nothing in steady state
 * over UDS and plaintext UDP; over secure UDP the JDK's cipher allocates (docs/PERFORMANCE.md).
 *
 * <p><b>Nonces</b> come from one atomic counter shared by every client of this class loader: they increase across
 * threads and across clients, so an observer never sees a nonce go back for this pid, even after a client is closed and
 * another opened. Regular nonces start at 1 and skip 2^64 - 1, the terminal nonce, which only
 * {@link #beatTerminal(int)} sends (with a timestamp later than any terminal frame sent before from this process).
 *
 * <p><b>Observer restarts</b> need nothing from the caller: over UDS a beat that finds its socket's observer gone
 * connects again at once and, while there is none, every beat tries and fails with {@code ENOENT} or
 * {@code ECONNREFUSED}; UDP has no connection to lose.
 *
 * <p><b>Threads.</b> Thread-safe: a beat encodes and sends under a lock held only for that (no user code and no
 * blocking call runs under it), so concurrent beats go out one after the other in nonce order.
 */
public final class VartaClient implements AutoCloseable
{
    /** How long {@link #beatTerminal(int)} waits for a beat in progress on another thread. */
    private static final long TERMINAL_LOCK_WAIT_MS = 200;
    /** The last nonce handed out in this class loader: the first beat sends 1. */
    private static final AtomicLong LAST_NONCE = new AtomicLong();
    /** The timestamp of the last terminal frame sent from this class loader. */
    private static final AtomicLong LAST_TERMINAL_TIMESTAMP = new AtomicLong();
    private static final long PID = ProcessHandle.current().pid();

    private final ReentrantLock lock = new ReentrantLock();
    private final Transport transport;
    private final FrameEncoder encoder = new FrameEncoder();
    private final byte[] frame = new byte[Frame.BYTES];
    private final long pid;
    private boolean closed;

    VartaClient(final Transport transport, final long pid)
    {
        this.transport = transport;
        this.pid = pid;
    }

    /**
     * A client of the observer listening on the Unix datagram socket at {@code socket} (its {@code --socket}). Loads the
     * client's native library ({@code libvarta_client.so}, packed in this jar) the first time. An observer that is not
     * listening yet is not an error: beats fail with {@code ENOENT} or {@code ECONNREFUSED} until it is.
     *
     * @throws IllegalArgumentException for an empty path, one with a NUL byte or one longer than 107 bytes
     * @throws UnsatisfiedLinkError if the native library cannot be loaded (a platform other than linux-x86-64)
     */
    public static VartaClient connect(final Path socket)
    {
        Objects.requireNonNull(socket, "socket");
        return new VartaClient(UdsTransport.connect(socket), PID);
    }

    /**
     * A client sending plaintext UDP datagrams to {@code observer} (an observer started with
     * {@code --udp-port} and {@code --i-accept-plaintext-udp}).
     *
     * @throws IOException if the address is unresolved or no UDP socket can be opened
     */
    public static VartaClient connectUdp(final InetSocketAddress observer) throws IOException
    {
        Objects.requireNonNull(observer, "observer");
        return new VartaClient(UdpTransport.connect(observer), PID);
    }

    /**
     * A client sealing every frame with the shared key in {@code keyFile} (60-byte datagrams) for an observer started
     * with {@code --udp-port} and {@code --key-file}/{@code --accepted-key-file} holding the same key.
     *
     * @param keyFile one 64-hex-digit key, mode 0600 or stricter, owned by this user ({@code #} comments allowed)
     * @throws IOException if the key file breaks a rule (the message says which) or no UDP socket can be opened
     */
    public static VartaClient connectSecureUdp(final InetSocketAddress observer, final Path keyFile) throws IOException
    {
        Objects.requireNonNull(observer, "observer");
        final byte[] key = KeyFile.read(keyFile, "key file");
        return new VartaClient(SecureUdpTransport.connect(observer, SecureUdpTransport.Keying.SHARED, key, PID), PID);
    }

    /**
     * A client sealing every frame with this process's agent key, derived once from the master key in
     * {@code masterKeyFile} (64-byte datagrams, the pid in the clear), for an observer started with
     * {@code --master-key-file} holding the same master key.
     *
     * @param masterKeyFile one 64-hex-digit key, under the rules of {@link #connectSecureUdp}
     * @throws IOException if the key file breaks a rule or no UDP socket can be opened
     */
    public static VartaClient connectSecureUdpWithMaster(final InetSocketAddress observer, final Path masterKeyFile)
        throws IOException
    {
        Objects.requireNonNull(observer, "observer");
        final byte[] master = KeyFile.read(masterKeyFile, "master key file");
        return new VartaClient(SecureUdpTransport.connect(observer, SecureUdpTransport.Keying.MASTER, master, PID), PID);
    }

    /** {@link #beat(Status, int)} with payload 0. */
    public BeatOutcome beat(final Status status)
    {
        return beat(status, 0);
    }

    /**
     * Sends one beat. Never blocks (a full queue is {@link BeatOutcome.Dropped}) and never throws for anything the
     * socket or the observer does (that is {@link BeatOutcome.Failed} with its errno). Any thread.
     *
     * @param status {@link Status#OK}, {@link Status#DEGRADED} or {@link Status#CRITICAL} (an operational alert)
     * @param payload 32 opaque bits the observer exports (read unsigned)
     * @return what became of the beat; {@code Failed(EBADF)} once the client is closed
     * @throws IllegalArgumentException for {@link Status#STALL}, which only an observer creates
     */
    public BeatOutcome beat(final Status status, final int payload)
    {
        if (Status.STALL == Objects.requireNonNull(status, "status"))
        {
            throw new IllegalArgumentException("Status.STALL never travels on the wire: the observer creates it");
        }
        lock.lock();
        try
        {
            return sendLocked(status, nextNonce(), timestamp(), payload);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Sends the terminal frame: {@link Status#CRITICAL} with nonce 2^64 - 1 and a timestamp later than that of any
     * terminal frame this process sent before, the marker the observer records as an agent's death. Meant for the
     * moment before the process dies ({@link TerminalHooks}); a beat in progress on another thread is waited for at
     * most 200 ms. Any thread.
     *
     * @param payload 32 opaque bits (e.g. an exit code)
     * @return what became of it
     */
    public BeatOutcome beatTerminal(final int payload)
    {
        boolean locked;
        try
        {
            locked = lock.tryLock(TERMINAL_LOCK_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            locked = lock.tryLock();
        }
        if (!locked)
        {
            return new BeatOutcome.Failed(Errno.EAGAIN, "EAGAIN (a beat on another thread held the client)");
        }
        try
        {
            return sendLocked(Status.CRITICAL, Frame.NONCE_TERMINAL, nextTerminalTimestamp(), payload);
        }
        finally
        {
            lock.unlock();
        }
    }

    private BeatOutcome sendLocked(final Status status, final long nonce, final long timestamp, final int payload)
    {
        if (closed)
        {
            return BeatOutcome.Failed.CLOSED;
        }
        encoder.encode(frame, 0, status, pid, timestamp, nonce, Integer.toUnsignedLong(payload));
        try
        {
            return transport.send(frame);
        }
        catch (final RuntimeException e)
        {
            return new BeatOutcome.Failed(0, e.toString());
        }
    }

    /** Tests: the nonce handed out last (the next is one more, or 0 after 2^64 - 2). */
    static void lastNonceForTest(final long nonce)
    {
        LAST_NONCE.set(nonce);
    }

    /** The next regular nonce: 1, 2, ..., 2^64 - 2, then 0 (the terminal nonce is skipped). Any thread. */
    static long nextNonce()
    {
        while (true)
        {
            final long last = LAST_NONCE.get();
            final long next = Frame.NONCE_TERMINAL - 1 == last ? 0 : last + 1;
            if (LAST_NONCE.compareAndSet(last, next))
            {
                return next;
            }
        }
    }

    /** The agent timestamp: CLOCK_MONOTONIC nanoseconds on Linux, never the reserved 2^64 - 1. */
    static long timestamp()
    {
        final long now = System.nanoTime();
        return -1L == now ? -2L : now;
    }

    /** A timestamp later (unsigned) than every terminal timestamp handed out before in this class loader. */
    static long nextTerminalTimestamp()
    {
        while (true)
        {
            final long last = LAST_TERMINAL_TIMESTAMP.get();
            long next = timestamp();
            if (Long.compareUnsigned(next, last) <= 0)
            {
                next = last + 1;
            }
            if (LAST_TERMINAL_TIMESTAMP.compareAndSet(last, next))
            {
                return next;
            }
        }
    }

    /** @return the pid every frame of this client carries (this process's) */
    public long pid()
    {
        return pid;
    }

    /** Closes the socket. Later beats return {@code Failed(EBADF)}. Idempotent; any thread. */
    @Override
    public void close()
    {
        lock.lock();
        try
        {
            if (!closed)
            {
                closed = true;
                transport.close();
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Tests: the transport. */
    Transport transport()
    {
        return transport;
    }

    @Override
    public String toString()
    {
        return "VartaClient[" + transport + ", pid " + pid + "]";
    }
}
