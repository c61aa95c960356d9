package io.nitrosim.nic.driver;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.nic.ena.AdminCommand;
import io.nitrosim.nic.ena.AdminCompletion;
import io.nitrosim.nic.ena.AenqEntry;
import io.nitrosim.nic.ena.EnaAdmin;
import io.nitrosim.nic.ena.EnaRegisters;
import io.nitrosim.nic.ena.EnaResetReason;
import io.nitrosim.pci.GuestMemoryAccess;
import io.nitrosim.pci.GuestMemoryAllocator;
import io.nitrosim.pci.queue.CompletionQueueReader;
import io.nitrosim.pci.queue.RingNumbering;
import io.nitrosim.pci.queue.SubmissionQueueWriter;

/**
 * The driver's admin queue and event queue: one admin command outstanding at a time (bring-up's, or one request of
 * the driver's user), its completion found by phase tag and timed out after {@code adminTimeoutNs} (ADMIN_TO), and
 * the AENQ's events (link change, keep-alive, fatal error) handed back to the device by AENQ_HEAD_DB.
 */
final class EnaDriverAdmin
{
    private static final int USER_NONE = 0;
    private static final int USER_RAW = 1;
    private static final int USER_ENI_STATS = 2;
    private static final int USER_BASIC_STATS = 3;
    private static final int USER_SET_MTU = 4;
    private static final int BAR = EnaRegisters.REGISTER_BAR;

    private final EnaDriver driver;
    private final EnaDriverContext ctx;
    private final GuestMemoryAccess memory;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[AdminCommand.LENGTH]);
    private final UnsafeBuffer resultBuffer = new UnsafeBuffer(new byte[AdminCompletion.LENGTH]);
    private final UnsafeBuffer userCommand = new UnsafeBuffer(new byte[AdminCommand.LENGTH]);
    private final UnsafeBuffer eventBuffer = new UnsafeBuffer(new byte[AenqEntry.LENGTH]);
    private final AdminCommand command = new AdminCommand();
    private final AdminCompletion completion = new AdminCompletion();
    private final AenqEntry event = new AenqEntry();
    private final SubmissionQueueWriter aq = new SubmissionQueueWriter(RingNumbering.RUNNING_COUNTER);
    private final CompletionQueueReader acq = new CompletionQueueReader(RingNumbering.RUNNING_COUNTER,
        AdminCompletion.PHASE_TAG);
    private final CompletionQueueReader aenq = new CompletionQueueReader(RingNumbering.RUNNING_COUNTER,
        AenqEntry.PHASE_TAG);
    private final long[] eniStats = new long[EnaAdmin.ENI_STATS_COUNT];
    private long aqBase;
    private long acqBase;
    private long aenqBase;
    private boolean outstanding;
    private long issuedNs;
    private int userKind = USER_NONE;
    private boolean userSubmitted;
    private boolean userDone;
    private int userStatus = -1;
    private int userMtu;

    // What the AENQ said.
    private boolean linkUp;
    /** A LINK_CHANGE said the link is down (Linux: netif_carrier_off); cleared by one that says up. */
    private boolean carrierOff;
    private long linkChanges;
    private long keepAlives;
    private long lastKeepAliveNs;
    private int fatalSyndrome = -1;

    EnaDriverAdmin(final EnaDriver driver, final EnaDriverContext ctx)
    {
        this.driver = driver;
        this.ctx = ctx;
        this.memory = ctx.memory;
    }

    void allocate(final GuestMemoryAllocator alloc)
    {
        aqBase = alloc.allocate((long)ctx.adminDepth * AdminCommand.LENGTH, 4096);
        acqBase = alloc.allocate((long)ctx.adminDepth * AdminCompletion.LENGTH, 4096);
        aenqBase = alloc.allocate((long)ctx.aenqDepth * AenqEntry.LENGTH, 4096);
    }

    /** Forgets commands, requests and events of a previous bring-up. */
    void restart()
    {
        linkUp = false;
        carrierOff = false;
        outstanding = false;
        userKind = USER_NONE;
        userSubmitted = false;
        fatalSyndrome = -1;
    }

    /** Empty admin queues and AENQ, programmed into the device's registers (the device latches them at AQ_DB). */
    void setUp()
    {
        acq.clear(memory, acqBase, ctx.adminDepth, AdminCompletion.LENGTH);
        aenq.clear(memory, aenqBase, ctx.aenqDepth, AenqEntry.LENGTH);
        aq.open(aqBase, ctx.adminDepth, AdminCommand.LENGTH);
        writeRegister(EnaRegisters.AQ_BASE_LO, (int)aqBase);
        writeRegister(EnaRegisters.AQ_BASE_HI, (int)(aqBase >>> 32));
        writeRegister(EnaRegisters.AQ_CAPS, EnaRegisters.queueCaps(ctx.adminDepth, AdminCommand.LENGTH));
        writeRegister(EnaRegisters.ACQ_BASE_LO, (int)acqBase);
        writeRegister(EnaRegisters.ACQ_BASE_HI, (int)(acqBase >>> 32));
        writeRegister(EnaRegisters.ACQ_CAPS, EnaRegisters.queueCaps(ctx.adminDepth, AdminCompletion.LENGTH));
        writeRegister(EnaRegisters.AENQ_BASE_LO, (int)aenqBase);
        writeRegister(EnaRegisters.AENQ_BASE_HI, (int)(aenqBase >>> 32));
        writeRegister(EnaRegisters.AENQ_CAPS, EnaRegisters.queueCaps(ctx.aenqDepth, AenqEntry.LENGTH));
        writeRegister(EnaRegisters.AENQ_HEAD_DB, ctx.aenqDepth); // every entry is the device's to fill
        writeRegister(EnaRegisters.INTR_MASK, ctx.interruptMode ? 0 : EnaRegisters.INTR_MASK_ADMIN);
    }

    private void writeRegister(final int offset, final int value)
    {
        ctx.function.mmioWrite(BAR, offset, 4, value & 0xFFFF_FFFFL);
    }

    /** A zeroed command to fill for the next {@link #submit}. */
    AdminCommand newCommand()
    {
        return command.wrap(scratch, 0).clear();
    }

    /** Writes the command prepared in the scratch entry into the admin SQ and rings AQ_DB. */
    void submit(final long nowNs)
    {
        command.wrap(scratch, 0).commandId(aq.tail().value()).phase(aq.tail().phase());
        aq.write(memory, scratch, 0);
        aq.ring(ctx.function, BAR, EnaRegisters.AQ_DB);
        outstanding = true;
        issuedNs = nowNs;
    }

    boolean outstanding()
    {
        return outstanding;
    }

    /** When the outstanding command times out. */
    long timeoutAtNs()
    {
        return issuedNs + ctx.adminTimeoutNs;
    }

    /** The completion of the last command (valid once it arrived). */
    AdminCompletion result()
    {
        return completion.wrap(resultBuffer, 0);
    }

    /** Reaps the outstanding command's completion if it arrived; times it out if it never does. @return work. */
    int pollCompletion(final long nowNs)
    {
        if (!outstanding)
        {
            return 0;
        }
        if (!acq.peek(memory, resultBuffer, 0))
        {
            if (nowNs - issuedNs > ctx.adminTimeoutNs)
            {
                driver.fail(EnaResetReason.ADMIN_TO);
                return 1;
            }
            return 0;
        }
        acq.consume();
        outstanding = false;
        if (driver.state() == EnaDriver.STATE_ADMIN)
        {
            driver.onBringUpCompletion(result(), nowNs);
        }
        else
        {
            onUserCompletion();
        }
        return 1;
    }

    /** Handles every new AENQ event and hands the entries back with AENQ_HEAD_DB. @return events. */
    int pollEvents(final long nowNs)
    {
        int events = 0;
        while (events < ctx.aenqDepth && aenq.peek(memory, eventBuffer, 0))
        {
            event.wrap(eventBuffer, 0);
            switch (event.group())
            {
                case EnaAdmin.AENQ_LINK_CHANGE:
                    linkUp = event.linkUp();
                    carrierOff = !linkUp;
                    linkChanges++;
                    break;
                case EnaAdmin.AENQ_KEEP_ALIVE:
                    keepAlives++;
                    lastKeepAliveNs = nowNs;
                    break;
                case EnaAdmin.AENQ_FATAL_ERROR:
                    fatalSyndrome = event.syndrome();
                    driver.fail(fatalSyndrome);
                    break;
                default:
                    break;
            }
            aenq.consume();
            events++;
        }
        aenq.ring(ctx.function, BAR, EnaRegisters.AENQ_HEAD_DB, ctx.aenqDepth);
        return events;
    }

    // ---------------------------------------------------------------------------------------------------------
    // What the AENQ said

    boolean linkUp()
    {
        return linkUp;
    }

    boolean carrierOff()
    {
        return carrierOff;
    }

    void linkDown()
    {
        linkUp = false;
    }

    long linkChanges()
    {
        return linkChanges;
    }

    long keepAlives()
    {
        return keepAlives;
    }

    long lastKeepAliveNs()
    {
        return lastKeepAliveNs;
    }

    /** Starts the keep-alive watchdog at {@code nowNs} (the driver is up). */
    void keepAliveFrom(final long nowNs)
    {
        lastKeepAliveNs = nowNs;
    }

    int fatalSyndrome()
    {
        return fatalSyndrome;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The user's requests, one at a time, once up

    boolean idle()
    {
        return driver.isUp() && userKind == USER_NONE;
    }

    boolean requestStats(final int type)
    {
        if (!idle())
        {
            return false;
        }
        command.wrap(userCommand, 0).clear().opcode(EnaAdmin.GET_STATS);
        command.getStats(type);
        return queue(type == EnaAdmin.STATS_TYPE_ENI ? USER_ENI_STATS : USER_BASIC_STATS);
    }

    boolean requestMtu(final int newMtu)
    {
        if (!idle())
        {
            return false;
        }
        command.wrap(userCommand, 0).clear().opcode(EnaAdmin.SET_FEATURE);
        command.feature(EnaAdmin.FEATURE_MTU).u32(AdminCommand.SET_MTU_OFFSET, newMtu);
        userMtu = newMtu;
        return queue(USER_SET_MTU);
    }

    boolean requestRaw(final DirectBuffer rawCommand, final int offset)
    {
        if (!idle())
        {
            return false;
        }
        userCommand.putBytes(0, rawCommand, offset, AdminCommand.LENGTH);
        return queue(USER_RAW);
    }

    private boolean queue(final int kind)
    {
        userKind = kind;
        userSubmitted = false;
        userDone = false;
        userStatus = -1;
        return true;
    }

    /** Submits the user's request if one waits and the queue is free. @return work. */
    int submitRequest(final long nowNs)
    {
        if (userKind == USER_NONE || userSubmitted || outstanding)
        {
            return 0;
        }
        scratch.putBytes(0, userCommand, 0, AdminCommand.LENGTH);
        submit(nowNs);
        userSubmitted = true;
        return 1;
    }

    private void onUserCompletion()
    {
        final AdminCompletion c = result();
        userStatus = c.status();
        if (userStatus == EnaAdmin.SUCCESS)
        {
            if (userKind == USER_ENI_STATS)
            {
                for (int i = 0; i < eniStats.length; i++)
                {
                    eniStats[i] = c.eniStat(i);
                }
            }
            else if (userKind == USER_SET_MTU)
            {
                driver.mtuChanged(userMtu);
            }
        }
        userKind = USER_NONE;
        userDone = true;
    }

    boolean resultReady()
    {
        return userDone;
    }

    int resultStatus()
    {
        return userStatus;
    }

    long eniStat(final int index)
    {
        return eniStats[index];
    }
}
