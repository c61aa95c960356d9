package io.nitrosim.ebs.nbd;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * The option haggling of the fixed newstyle handshake for one {@link NbdConnection}: NBD_OPT_EXPORT_NAME, ABORT,
 * LIST, INFO and GO (with the NBD_INFO_EXPORT, NBD_INFO_BLOCK_SIZE, NBD_INFO_NAME and NBD_INFO_DESCRIPTION
 * replies), and NBD_REP_ERR_UNSUP for everything else (structured replies, TLS and meta contexts are not offered).
 * Runs on the connection's event loop.
 */
final class NbdHandshake
{
    private final NbdServer server;
    private final NbdServer.Context limits;
    private final NbdConnection connection;
    private ChannelHandlerContext ctx;

    NbdHandshake(final NbdServer server, final NbdConnection connection)
    {
        this.server = server;
        this.limits = server.limits();
        this.connection = connection;
    }

    void context(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
    }

    /** Answers one option; {@code admitted} false: over the connection limit. */
    void option(final int option, final ByteBuf data, final boolean admitted, final boolean noZeroes)
    {
        if (!admitted && option != NbdProtocol.OPT_ABORT)
        {
            if (option == NbdProtocol.OPT_EXPORT_NAME)
            {
                connection.violation(); // EXPORT_NAME cannot be answered with an error
                return;
            }
            reply(option, NbdProtocol.REP_ERR_POLICY, "too many connections: the server takes "
                + limits.maxConnections);
            return;
        }
        switch (option)
        {
            case NbdProtocol.OPT_EXPORT_NAME:
            {
                final NbdExport e = server.find(data.toString(StandardCharsets.UTF_8));
                if (e == null)
                {
                    connection.violation(); // the protocol: an unknown EXPORT_NAME terminates the session
                    return;
                }
                final ByteBuf reply = ctx.alloc().buffer(10 + NbdProtocol.EXPORT_NAME_REPLY_ZEROES);
                reply.writeLong(e.sizeBytes()).writeShort(e.transmissionFlags());
                if (!noZeroes)
                {
                    reply.writeZero(NbdProtocol.EXPORT_NAME_REPLY_ZEROES);
                }
                ctx.write(reply);
                connection.enterTransmission(e);
                break;
            }
            case NbdProtocol.OPT_ABORT:
                reply(option, NbdProtocol.REP_ACK, null);
                connection.abort();
                break;
            case NbdProtocol.OPT_LIST:
                if (data.isReadable())
                {
                    reply(option, NbdProtocol.REP_ERR_INVALID, "NBD_OPT_LIST takes no data");
                    break;
                }
                for (final NbdExport e : server.exports())
                {
                    final byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
                    final ByteBuf reply = optionReplyHeader(option, NbdProtocol.REP_SERVER, 4 + name.length);
                    reply.writeInt(name.length).writeBytes(name);
                    ctx.write(reply);
                }
                reply(option, NbdProtocol.REP_ACK, null);
                break;
            case NbdProtocol.OPT_INFO:
            case NbdProtocol.OPT_GO:
                infoOrGo(option, data);
                break;
            default:
                reply(option, NbdProtocol.REP_ERR_UNSUP, null);
                break;
        }
    }

    private void infoOrGo(final int option, final ByteBuf data)
    {
        final int length = data.readableBytes();
        final long nameLength = length < 6 ? -1 : data.getUnsignedInt(0);
        if (nameLength < 0 || nameLength > length - 6
            || length != 4 + nameLength + 2 + 2L * data.getUnsignedShort(4 + (int)nameLength))
        {
            reply(option, NbdProtocol.REP_ERR_INVALID, "malformed option data");
            return;
        }
        final String name = data.toString(4, (int)nameLength, StandardCharsets.UTF_8);
        final int requests = data.getUnsignedShort(4 + (int)nameLength);
        boolean wantName = false;
        boolean wantDescription = false;
        for (int i = 0; i < requests; i++)
        {
            final int info = data.getUnsignedShort(6 + (int)nameLength + 2 * i);
            wantName |= info == NbdProtocol.INFO_NAME;
            wantDescription |= info == NbdProtocol.INFO_DESCRIPTION;
        }
        final NbdExport e = server.find(name);
        if (e == null)
        {
            final StringBuilder known = new StringBuilder();
            for (final NbdExport x : server.exports())
            {
                known.append(known.length() == 0 ? "" : ", ").append(x.name());
            }
            reply(option, NbdProtocol.REP_ERR_UNKNOWN, "no export named '" + name + "'; exports: " + known);
            return;
        }
        ByteBuf reply = optionReplyHeader(option, NbdProtocol.REP_INFO, 12);
        reply.writeShort(NbdProtocol.INFO_EXPORT).writeLong(e.sizeBytes()).writeShort(e.transmissionFlags());
        ctx.write(reply);
        reply = optionReplyHeader(option, NbdProtocol.REP_INFO, 14);
        reply.writeShort(NbdProtocol.INFO_BLOCK_SIZE).writeInt(e.minimumBlockBytes()).writeInt(e.preferredBlockBytes())
            .writeInt(e.maxPayloadBytes());
        ctx.write(reply);
        if (wantName)
        {
            writeInfoString(option, NbdProtocol.INFO_NAME, e.name());
        }
        if (wantDescription && !e.description().isEmpty())
        {
            writeInfoString(option, NbdProtocol.INFO_DESCRIPTION, e.description());
        }
        reply(option, NbdProtocol.REP_ACK, null);
        if (option == NbdProtocol.OPT_GO)
        {
            connection.enterTransmission(e);
        }
    }

    private void writeInfoString(final int option, final int info, final String value)
    {
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        final ByteBuf reply = optionReplyHeader(option, NbdProtocol.REP_INFO, 2 + bytes.length);
        reply.writeShort(info).writeBytes(bytes);
        ctx.write(reply);
    }

    private ByteBuf optionReplyHeader(final int option, final int type, final int length)
    {
        final ByteBuf reply = ctx.alloc().buffer(NbdProtocol.OPTION_REPLY_HEADER_LENGTH + length);
        return reply.writeLong(NbdProtocol.OPTION_REPLY_MAGIC).writeInt(option).writeInt(type).writeInt(length);
    }

    /** An option reply with an optional message as its data. */
    void reply(final int option, final int type, final String message)
    {
        final byte[] bytes = message == null ? new byte[0] : message.getBytes(StandardCharsets.UTF_8);
        ctx.write(optionReplyHeader(option, type, bytes.length).writeBytes(bytes));
    }

}
