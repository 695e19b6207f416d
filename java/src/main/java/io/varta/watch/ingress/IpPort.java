package io.varta.watch.ingress;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * IP addresses and socket addresses as the reference prints a Rust {@code IpAddr} / {@code SocketAddr}:
 * {@code 127.0.0.1:9001}, {@code [::1]:9001}.
 *
 * <p>Stateless; any thread.
 */
public final class IpPort
{
    private IpPort()
    {
    }

    /**
     * Any thread.
     *
     * @param address an IP socket address
     * @return {@code IP:PORT}, IPv6 in brackets
     */
    public static String format(final InetSocketAddress address)
    {
        final InetAddress ip = address.getAddress();
        return (ip instanceof Inet6Address ? "[" + host(ip) + "]" : host(ip)) + ":" + address.getPort();
    }

    /**
     * Any thread.
     *
     * @param ip an IP address
     * @return its literal, IPv6 with the first run of zero groups shortened to {@code ::} ({@code ::1},
     *     {@code fe80::1}), as Rust prints it
     */
    public static String host(final InetAddress ip)
    {
        final String text = ip.getHostAddress();
        if (!(ip instanceof Inet6Address))
        {
            return text;
        }
        final int scope = text.indexOf('%');
        final String groups = scope < 0 ? text : text.substring(0, scope);
        return groups.replaceFirst("(^|:)0(:0)+(:|$)", "::") + (scope < 0 ? "" : text.substring(scope));
    }
}
