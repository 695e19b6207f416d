package io.varta.client;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/** A real UDP socket on 127.0.0.1 that the tests' clients send to; {@link #receive()} waits up to 10 s for one. */
final class UdpReceiver implements AutoCloseable
{
    private final DatagramSocket socket;

    UdpReceiver() throws IOException
    {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(10_000);
    }

    InetSocketAddress address()
    {
        return (InetSocketAddress)socket.getLocalSocketAddress();
    }

    /** @return the next datagram's bytes, exactly as long as it was (up to 128) */
    byte[] receive() throws IOException
    {
        final DatagramPacket packet = new DatagramPacket(new byte[128], 128);
        socket.receive(packet);
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    @Override
    public void close()
    {
        socket.close();
    }
}
