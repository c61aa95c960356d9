package io.nitrosim.ebs.nbd;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A small blocking NBD client written from the protocol document for the tests: it speaks the fixed newstyle
 * handshake byte by byte (every magic and number below is the document's literal value, not the server's
 * constants) and sends transmission requests with simple replies. Shared with other modules' tests (test-jar).
 */
public final class NbdTestClient implements AutoCloseable
{
    public static final long NBDMAGIC = 0x4e42444d41474943L;
    public static final long IHAVEOPT = 0x49484156454F5054L;
    public static final long REPLY_MAGIC = 0x3e889045565a9L;
    public static final int REQUEST_MAGIC = 0x25609513;
    public static final int SIMPLE_REPLY_MAGIC = 0x67446698;

    final Socket socket;
    final DataInputStream in;
    final DataOutputStream out;
    int handshakeFlags;
    public long exportSize;
    public int transmissionFlags;
    private long nextCookie = 1;

    /** An option reply: option, type, data. */
    public record OptionReply(int option, int type, byte[] data)
    {
        public String text()
        {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** A simple reply: error, cookie, data (READ). */
    public record Reply(int error, long cookie, byte[] data)
    {
    }

    public NbdTestClient(final InetSocketAddress address) throws IOException
    {
        socket = new Socket();
        socket.setSoTimeout(20_000);
        socket.setTcpNoDelay(true);
        socket.connect(address, 5_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    /** Reads the greeting and answers with client flags (1 = fixed newstyle, 3 = + no zeroes). */
    public NbdTestClient greet(final int clientFlags) throws IOException
    {
        if (in.readLong() != NBDMAGIC || in.readLong() != IHAVEOPT)
        {
            throw new IOException("not an NBD newstyle server");
        }
        handshakeFlags = in.readUnsignedShort();
        out.writeInt(clientFlags);
        out.flush();
        return this;
    }

    public void sendOption(final int option, final byte[] data) throws IOException
    {
        out.writeLong(IHAVEOPT);
        out.writeInt(option);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    public OptionReply readOptionReply() throws IOException
    {
        final long magic = in.readLong();
        if (magic != REPLY_MAGIC)
        {
            throw new IOException("bad option reply magic 0x" + Long.toHexString(magic));
        }
        final int option = in.readInt();
        final int type = in.readInt();
        final int length = in.readInt();
        final byte[] data = new byte[length];
        in.readFully(data);
        return new OptionReply(option, type, data);
    }

    public static byte[] infoRequest(final String name, final int... infos)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final DataOutputStream d = new DataOutputStream(bytes);
        try
        {
            final byte[] n = name.getBytes(StandardCharsets.UTF_8);
            d.writeInt(n.length);
            d.write(n);
            d.writeShort(infos.length);
            for (final int info : infos)
            {
                d.writeShort(info);
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
        return bytes.toByteArray();
    }

    /** NBD_OPT_LIST (3): the names of the NBD_REP_SERVER (2) replies, in order; fails unless NBD_REP_ACK (1) ends them. */
    public java.util.List<String> list() throws IOException
    {
        sendOption(3, new byte[0]);
        final java.util.List<String> names = new java.util.ArrayList<>();
        OptionReply r;
        while ((r = readOptionReply()).type() == 2)
        {
            final java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(r.data());
            final byte[] name = new byte[b.getInt()];
            b.get(name);
            names.add(new String(name, StandardCharsets.UTF_8));
        }
        if (r.type() != 1)
        {
            throw new IOException("NBD_OPT_LIST failed: type 0x" + Integer.toHexString(r.type()) + " " + r.text());
        }
        return names;
    }

    /** NBD_OPT_GO (7) with NBD_INFO_BLOCK_SIZE (3); reads replies to the final one; returns it. */
    public OptionReply go(final String name) throws IOException
    {
        sendOption(7, infoRequest(name, 3));
        OptionReply r;
        while ((r = readOptionReply()).type() == 3)
        {
            final java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(r.data());
            if (b.getShort() == 0)
            {
                exportSize = b.getLong();
                transmissionFlags = b.getShort() & 0xFFFF;
            }
        }
        return r;
    }

    /** Greets (fixed newstyle + no zeroes) and goes to {@code name}; fails unless the server says ACK. */
    public static NbdTestClient open(final InetSocketAddress address, final String name) throws IOException
    {
        final NbdTestClient c = new NbdTestClient(address).greet(3);
        final OptionReply r = c.go(name);
        if (r.type() != 1)
        {
            c.close();
            throw new IOException("NBD_OPT_GO failed: type 0x" + Integer.toHexString(r.type()) + " " + r.text());
        }
        return c;
    }

    public long send(final int flags, final int type, final long offset, final long length, final byte[] payload)
        throws IOException
    {
        final long cookie = nextCookie++;
        out.writeInt(REQUEST_MAGIC);
        out.writeShort(flags);
        out.writeShort(type);
        out.writeLong(cookie);
        out.writeLong(offset);
        out.writeInt((int)length);
        if (payload != null)
        {
            out.write(payload);
        }
        out.flush();
        return cookie;
    }

    /** Reads one simple reply; READ data follows when {@code readLength} > 0 and the error is 0. */
    public Reply readReply(final int readLength) throws IOException
    {
        final int magic = in.readInt();
        if (magic != SIMPLE_REPLY_MAGIC)
        {
            throw new IOException("bad reply magic 0x" + Integer.toHexString(magic));
        }
        final int error = in.readInt();
        final long cookie = in.readLong();
        byte[] data = new byte[0];
        if (error == 0 && readLength > 0)
        {
            data = new byte[readLength];
            in.readFully(data);
        }
        return new Reply(error, cookie, data);
    }

    public Reply write(final long offset, final byte[] data, final int flags) throws IOException
    {
        send(flags, 1, offset, data.length, data);
        return readReply(0);
    }

    public Reply read(final long offset, final int length) throws IOException
    {
        send(0, 0, offset, length, null);
        return readReply(length);
    }

    public Reply command(final int type, final int flags, final long offset, final long length) throws IOException
    {
        send(flags, type, offset, length, null);
        return readReply(0);
    }

    public void disconnect() throws IOException
    {
        send(0, 2, 0, 0, null);
    }

    /** True when the server closed the connection (EOF) within the socket timeout. */
    public boolean closedByServer() throws IOException
    {
        try
        {
            return in.read() < 0;
        }
        catch (final EOFException | java.net.SocketException ex)
        {
            return true;
        }
        catch (final SocketTimeoutException ex)
        {
            return false;
        }
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
