package io.nitrosim.nic.driver;

import io.nitrosim.nic.ena.AdminCommand;
import io.nitrosim.nic.ena.AdminCompletion;
import io.nitrosim.nic.ena.EnaAdmin;
import io.nitrosim.nic.ena.EnaRegisters;
import io.nitrosim.nic.ena.EnaResetReason;
import io.nitrosim.nic.ena.RxCompletion;
import io.nitrosim.nic.ena.TxCompletion;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.queue.FunctionSetup;

/**
 * The driver's bring-up, each step one or more doWork calls (Linux {@code ena_com_dev_reset} and
 * {@code ena_device_init}): enable the function (and MSI-X: one entry per vector, data {@code firstVector + v});
 * DEV_STS.ready, then DEV_CTL.dev_reset with the reason, reset_in_progress, DEV_CTL = 0, ready again (CAPS'
 * reset timeout bounds each wait); admin queues and AENQ; then admin commands: GET_FEATURE DEVICE_ATTRIBUTES (MAC,
 * max MTU), GET_FEATURE MAX_QUEUES_NUM, SET_FEATURE AENQ_CONFIG, SET_FEATURE MTU, and per queue pair CREATE_CQ and
 * CREATE_SQ for TX and RX. Any refusal is INIT_ERR.
 */
final class EnaBringUp
{
    private static final int STEP_DEVICE_ATTRIBUTES = 0;
    private static final int STEP_MAX_QUEUES = 1;
    private static final int STEP_AENQ_CONFIG = 2;
    private static final int STEP_SET_MTU = 3;
    private static final int STEP_QUEUES = 4; // + 4 * pair + {0 TX CQ, 1 TX SQ, 2 RX CQ, 3 RX SQ}
    private static final int BAR = EnaRegisters.REGISTER_BAR;

    private final EnaDriver driver;
    private final EnaDriverContext ctx;
    private final FunctionAccess fn;
    private final EnaDriverAdmin admin;
    private final EnaTxRing[] tx;
    private final EnaRxRing[] rx;
    private boolean memoryAllocated;
    private long resetTimeoutNs;
    private int step;
    private long mac;
    private int maxMtu;
    private int deviceMaxQueues;
    private int deviceMaxDepth;

    EnaBringUp(final EnaDriver driver, final EnaDriverContext ctx, final EnaDriverAdmin admin, final EnaTxRing[] tx,
        final EnaRxRing[] rx)
    {
        this.driver = driver;
        this.ctx = ctx;
        this.fn = ctx.function;
        this.admin = admin;
        this.tx = tx;
        this.rx = rx;
    }

    long macAddress()
    {
        return mac;
    }

    int maxMtu()
    {
        return maxMtu;
    }

    int deviceMaxQueues()
    {
        return deviceMaxQueues;
    }

    int deviceMaxDepth()
    {
        return deviceMaxDepth;
    }

    /** Enables memory space and bus mastering (and MSI-X in interrupt mode). @return work. */
    int start(final long nowNs)
    {
        FunctionSetup.enableMemoryAndBusMaster(fn);
        if (ctx.interruptMode && !programMsix())
        {
            driver.fail(EnaResetReason.INIT_ERR);
            return 1;
        }
        admin.restart();
        driver.enter(EnaDriver.STATE_WAIT_READY, nowNs);
        return 1;
    }

    private boolean programMsix()
    {
        final int cap = FunctionSetup.msixCapability(fn);
        if (cap == 0 || FunctionSetup.msixTableSize(fn, cap) < ctx.queuePairs + 1)
        {
            return false;
        }
        FunctionSetup.programMsix(fn, cap, ctx.queuePairs + 1, ctx.msiAddress, ctx.firstVector);
        return true;
    }

    private int readRegister(final int offset)
    {
        return (int)fn.mmioRead(BAR, offset, 4);
    }

    private void writeRegister(final int offset, final int value)
    {
        fn.mmioWrite(BAR, offset, 4, value & 0xFFFF_FFFFL);
    }

    /** DEV_STS.ready: read the reset timeout and start the reset with the driver's reason. */
    int waitReady(final long nowNs, final int resetReason)
    {
        final int status = readRegister(EnaRegisters.DEV_STS);
        if (status != -1 && (status & EnaRegisters.DEV_STS_READY) != 0)
        {
            final int caps = readRegister(EnaRegisters.CAPS);
            final int units = (caps & EnaRegisters.CAPS_RESET_TIMEOUT_MASK) >>> EnaRegisters.CAPS_RESET_TIMEOUT_SHIFT;
            resetTimeoutNs = Math.max(1, units) * EnaRegisters.RESET_TIMEOUT_UNIT_NS;
            // DEV_CTL carries 4 bits of reason; larger ones need ENA's extended-reason capability, not offered here
            final int reason = resetReason >= 0 && resetReason <= 0xF ? resetReason : EnaResetReason.GENERIC;
            writeRegister(EnaRegisters.DEV_CTL,
                EnaRegisters.DEV_CTL_DEV_RESET | (reason << EnaRegisters.DEV_CTL_RESET_REASON_SHIFT));
            driver.enter(EnaDriver.STATE_WAIT_RESET_IN_PROGRESS, nowNs);
            return 1;
        }
        return timeout(nowNs, ctx.readyTimeoutNs);
    }

    /** DEV_STS.reset_in_progress: release the reset. */
    int waitResetInProgress(final long nowNs)
    {
        final int status = readRegister(EnaRegisters.DEV_STS);
        if ((status & EnaRegisters.DEV_STS_RESET_IN_PROGRESS) != 0)
        {
            writeRegister(EnaRegisters.DEV_CTL, 0);
            driver.enter(EnaDriver.STATE_WAIT_RESET_DONE, nowNs);
            return 1;
        }
        return timeout(nowNs, resetTimeoutNs);
    }

    /** Reset done and ready: set up the admin queues and send the first bring-up command. */
    int waitResetDone(final long nowNs)
    {
        final int status = readRegister(EnaRegisters.DEV_STS);
        if ((status & EnaRegisters.DEV_STS_RESET_IN_PROGRESS) == 0 && (status & EnaRegisters.DEV_STS_READY) != 0)
        {
            if (!memoryAllocated)
            {
                admin.allocate(ctx.allocator);
                for (int i = 0; i < ctx.queuePairs; i++)
                {
                    tx[i].ring.allocate(ctx.allocator);
                    rx[i].ring.allocate(ctx.allocator);
                }
                memoryAllocated = true;
            }
            admin.setUp();
            driver.enter(EnaDriver.STATE_ADMIN, nowNs);
            step = STEP_DEVICE_ATTRIBUTES;
            submitStep(nowNs);
            return 1;
        }
        return timeout(nowNs, resetTimeoutNs);
    }

    private int timeout(final long nowNs, final long timeoutNs)
    {
        if (driver.timeInState(nowNs) > timeoutNs)
        {
            driver.fail(EnaResetReason.INIT_ERR);
            return 1;
        }
        return 0;
    }

    private void submitStep(final long nowNs)
    {
        final AdminCommand command = admin.newCommand();
        switch (step)
        {
            case STEP_DEVICE_ATTRIBUTES:
                command.opcode(EnaAdmin.GET_FEATURE).feature(EnaAdmin.FEATURE_DEVICE_ATTRIBUTES);
                break;
            case STEP_MAX_QUEUES:
                command.opcode(EnaAdmin.GET_FEATURE).feature(EnaAdmin.FEATURE_MAX_QUEUES_NUM);
                break;
            case STEP_AENQ_CONFIG:
                command.opcode(EnaAdmin.SET_FEATURE).feature(EnaAdmin.FEATURE_AENQ_CONFIG)
                    .u32(AdminCommand.SET_AENQ_ENABLED_GROUPS_OFFSET, (1 << EnaAdmin.AENQ_LINK_CHANGE)
                        | (1 << EnaAdmin.AENQ_FATAL_ERROR) | (1 << EnaAdmin.AENQ_KEEP_ALIVE));
                break;
            case STEP_SET_MTU:
                command.opcode(EnaAdmin.SET_FEATURE).feature(EnaAdmin.FEATURE_MTU)
                    .u32(AdminCommand.SET_MTU_OFFSET, ctx.mtu);
                break;
            default:
                queueCommand(command, step - STEP_QUEUES);
                break;
        }
        admin.submit(nowNs);
    }

    private void queueCommand(final AdminCommand command, final int q)
    {
        final int pair = q / 4;
        final boolean interrupts = ctx.interruptMode;
        switch (q % 4)
        {
            case 0:
                command.opcode(EnaAdmin.CREATE_CQ).createCq(interrupts, TxCompletion.ENTRY_SIZE_WORDS,
                    ctx.txDepth, interrupts ? 1 + pair : 0, tx[pair].ring.cqBase);
                break;
            case 1:
                command.opcode(EnaAdmin.CREATE_SQ).createSq(EnaAdmin.SQ_DIRECTION_TX, EnaAdmin.PLACEMENT_POLICY_HOST,
                    EnaAdmin.COMPLETION_POLICY_DESC_ON_DEMAND, tx[pair].ring.cqIdx, ctx.txDepth, tx[pair].ring.sqBase);
                break;
            case 2:
                command.opcode(EnaAdmin.CREATE_CQ).createCq(interrupts, RxCompletion.ENTRY_SIZE_WORDS,
                    ctx.rxDepth, interrupts ? 1 + pair : 0, rx[pair].ring.cqBase);
                break;
            default:
                command.opcode(EnaAdmin.CREATE_SQ).createSq(EnaAdmin.SQ_DIRECTION_RX, EnaAdmin.PLACEMENT_POLICY_HOST,
                    EnaAdmin.COMPLETION_POLICY_DESC_ON_DEMAND, rx[pair].ring.cqIdx, ctx.rxDepth, rx[pair].ring.sqBase);
                break;
        }
    }

    /** The completion of the current bring-up command: check it, keep what it says, send the next one. */
    void onCompletion(final AdminCompletion c, final long nowNs)
    {
        if (c.status() != EnaAdmin.SUCCESS)
        {
            driver.fail(EnaResetReason.INIT_ERR);
            return;
        }
        switch (step)
        {
            case STEP_DEVICE_ATTRIBUTES:
                mac = c.macAddress();
                maxMtu = c.u32(AdminCompletion.DEV_ATTR_MAX_MTU_OFFSET);
                if (ctx.mtu > maxMtu)
                {
                    driver.fail(EnaResetReason.INIT_ERR);
                    return;
                }
                break;
            case STEP_MAX_QUEUES:
                deviceMaxQueues = Math.min(c.u32(AdminCompletion.MAX_QUEUES_SQ_NUM_OFFSET),
                    c.u32(AdminCompletion.MAX_QUEUES_CQ_NUM_OFFSET));
                deviceMaxDepth = Math.min(c.u32(AdminCompletion.MAX_QUEUES_SQ_DEPTH_OFFSET),
                    c.u32(AdminCompletion.MAX_QUEUES_CQ_DEPTH_OFFSET));
                if (deviceMaxQueues < ctx.queuePairs || deviceMaxDepth < Math.max(ctx.txDepth, ctx.rxDepth))
                {
                    driver.fail(EnaResetReason.INIT_ERR);
                    return;
                }
                break;
            case STEP_AENQ_CONFIG:
                break;
            case STEP_SET_MTU:
                driver.mtuChanged(ctx.mtu);
                break;
            default:
                queueCreated(c, step - STEP_QUEUES);
                break;
        }
        step++;
        if (step < STEP_QUEUES + 4 * ctx.queuePairs)
        {
            submitStep(nowNs);
            return;
        }
        for (int i = 0; i < ctx.queuePairs; i++)
        {
            tx[i].start();
            rx[i].start();
        }
        driver.up(nowNs);
    }

    private void queueCreated(final AdminCompletion c, final int q)
    {
        final int pair = q / 4;
        switch (q % 4)
        {
            case 0:
                tx[pair].ring.cqIdx = c.u16(AdminCompletion.CREATE_CQ_IDX_OFFSET);
                tx[pair].ring.unmaskOffset = c.u32(AdminCompletion.CREATE_CQ_UNMASK_REGISTER_OFFSET);
                break;
            case 1:
                tx[pair].ring.sqIdx = c.u16(AdminCompletion.CREATE_SQ_IDX_OFFSET);
                tx[pair].ring.doorbellOffset = c.u32(AdminCompletion.CREATE_SQ_DOORBELL_OFFSET_OFFSET);
                break;
            case 2:
                rx[pair].ring.cqIdx = c.u16(AdminCompletion.CREATE_CQ_IDX_OFFSET);
                rx[pair].ring.unmaskOffset = c.u32(AdminCompletion.CREATE_CQ_UNMASK_REGISTER_OFFSET);
                break;
            default:
                rx[pair].ring.sqIdx = c.u16(AdminCompletion.CREATE_SQ_IDX_OFFSET);
                rx[pair].ring.doorbellOffset = c.u32(AdminCompletion.CREATE_SQ_DOORBELL_OFFSET_OFFSET);
                break;
        }
    }
}
