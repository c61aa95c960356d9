package io.nitrosim.nic.ena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Consumer;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.nitrosim.nic.shaping.NetworkInstanceCaps;

/** Admin commands and their status codes through the reference driver's raw admin path. */
class EnaAdminTest
{
    private static EnaBed.Guest upGuest(final EnaBed bed)
    {
        return bed.guest("i-a", NetworkInstanceCaps.C5_LARGE, 1).up();
    }

    /** Submits one command built by {@code fill} and returns its completion status. */
    static int admin(final EnaBed bed, final EnaBed.Guest g, final Consumer<AdminCommand> fill)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[AdminCommand.LENGTH]);
        fill.accept(new AdminCommand().wrap(buffer, 0));
        assertTrue(g.driver.submitAdmin(buffer, 0), "admin path busy");
        for (int i = 0; i < 100 && !g.driver.adminResultReady(); i++)
        {
            bed.runFor(1_000);
        }
        assertTrue(g.driver.adminResultReady(), "no admin completion");
        return g.driver.adminResultStatus();
    }

    @Test
    void shouldReportMacAndMtuInDeviceAttributes()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest g = upGuest(bed);
            assertEquals(EnaAdmin.SUCCESS, admin(bed, g, c -> c.opcode(EnaAdmin.GET_FEATURE)
                .feature(EnaAdmin.FEATURE_DEVICE_ATTRIBUTES)));
            final AdminCompletion r = g.driver.adminResult();
            assertEquals(g.port.eni().mac(), r.macAddress());
            assertEquals(9001, r.u32(AdminCompletion.DEV_ATTR_MAX_MTU_OFFSET));
            assertEquals(48, r.u32(AdminCompletion.DEV_ATTR_PHYS_ADDR_WIDTH_OFFSET));
            assertEquals(EnaFunction.SUPPORTED_FEATURES, r.u32(AdminCompletion.DEV_ATTR_SUPPORTED_FEATURES_OFFSET));
            assertEquals(1 << EnaAdmin.CAPABILITY_ENI_STATS, r.u32(AdminCompletion.DEV_ATTR_CAPABILITIES_OFFSET));

            assertEquals(EnaAdmin.SUCCESS, admin(bed, g, c -> c.opcode(EnaAdmin.GET_FEATURE)
                .feature(EnaAdmin.FEATURE_MTU)));
            assertEquals(1500, g.driver.adminResult().u32(AdminCompletion.MTU_OFFSET));

            assertEquals(EnaAdmin.SUCCESS, admin(bed, g, c -> c.opcode(EnaAdmin.GET_FEATURE)
                .feature(EnaAdmin.FEATURE_MAX_QUEUES_NUM)));
            final AdminCompletion q = g.driver.adminResult();
            assertEquals(2, q.u32(AdminCompletion.MAX_QUEUES_SQ_NUM_OFFSET));
            assertEquals(8192, q.u32(AdminCompletion.MAX_QUEUES_SQ_DEPTH_OFFSET));
            assertEquals(EnaFunction.MAX_PACKET_DESCS, q.u16(AdminCompletion.MAX_QUEUES_PACKET_TX_DESCS_OFFSET));
        }
    }

    @Test
    void shouldAcceptMtu9001AndRejectMtu9002WithIllegalParameter()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest g = upGuest(bed);
            assertTrue(g.driver.requestMtu(9001));
            bed.runFor(10_000);
            assertEquals(EnaAdmin.SUCCESS, g.driver.adminResultStatus());
            assertEquals(9001, g.driver.mtu());
            assertEquals(9001, g.device.mtu());

            assertTrue(g.driver.requestMtu(9002));
            bed.runFor(10_000);
            assertEquals(EnaAdmin.ILLEGAL_PARAMETER, g.driver.adminResultStatus());
            assertEquals(9001, g.driver.mtu());
            assertEquals(9001, g.device.mtu());

            assertTrue(g.driver.requestMtu(EnaFunction.MIN_MTU - 1));
            bed.runFor(10_000);
            assertEquals(EnaAdmin.ILLEGAL_PARAMETER, g.driver.adminResultStatus());
            assertEquals(9001, g.device.mtu());
        }
    }

    @Test
    void shouldAnswerUnknownOpcodesAndUnsupportedFeaturesWithTheirStatus()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest g = upGuest(bed);
            assertEquals(EnaAdmin.BAD_OPCODE, admin(bed, g, c -> c.opcode(0x7F)));
            assertEquals(EnaAdmin.BAD_OPCODE, admin(bed, g, c -> c.opcode(0)));
            assertEquals(EnaAdmin.UNSUPPORTED_OPCODE, admin(bed, g, c -> c.opcode(EnaAdmin.GET_FEATURE)
                .feature(EnaAdmin.FEATURE_LLQ)));
            assertEquals(EnaAdmin.UNSUPPORTED_OPCODE, admin(bed, g, c -> c.opcode(EnaAdmin.SET_FEATURE)
                .feature(EnaAdmin.FEATURE_RSS_HASH_FUNCTION)));
            assertEquals(EnaAdmin.UNSUPPORTED_OPCODE, admin(bed, g, c -> c.opcode(EnaAdmin.GET_STATS)
                .getStats(EnaAdmin.STATS_TYPE_EXTENDED)));
            assertEquals(EnaAdmin.ILLEGAL_PARAMETER, admin(bed, g, c -> c.opcode(EnaAdmin.SET_FEATURE)
                .feature(EnaAdmin.FEATURE_AENQ_CONFIG).u32(AdminCommand.SET_AENQ_ENABLED_GROUPS_OFFSET,
                    1 << EnaAdmin.AENQ_WARNING)));
            assertTrue(g.driver.isUp(), "admin errors are not device errors");
        }
    }

    @Test
    void shouldCreateAndDestroyQueuesWithEnaStatusCodes()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest g = upGuest(bed); // the driver uses TX SQ 0 / RX SQ 0 and CQs 0..1 of 2 pairs
            final long cqBase = g.allocator.allocate(64 * TxCompletion.LENGTH, 4096);
            final long sqBase = g.allocator.allocate(64 * TxDescriptor.LENGTH, 4096);
            final long rxCqBase = g.allocator.allocate(64 * RxCompletion.LENGTH, 4096);

            assertEquals(EnaAdmin.SUCCESS, admin(bed, g, c -> c.opcode(EnaAdmin.CREATE_CQ)
                .createCq(false, TxCompletion.ENTRY_SIZE_WORDS, 64, 0, cqBase)));
            final int cq = g.driver.adminResult().u16(AdminCompletion.CREATE_CQ_IDX_OFFSET);
            assertEquals(2, cq);
            assertEquals(64, g.driver.adminResult().u16(AdminCompletion.CREATE_CQ_ACTUAL_DEPTH_OFFSET));
            assertEquals(EnaRegisters.cqUnmask(2), g.driver.adminResult().u32(AdminCompletion.CREATE_CQ_UNMASK_REGISTER_OFFSET));

            assertEquals(EnaAdmin.SUCCESS, admin(bed, g, c -> c.opcode(EnaAdmin.CREATE_SQ)
                .createSq(EnaAdmin.SQ_DIRECTION_TX, EnaAdmin.PLACEMENT_POLICY_HOST,
                    EnaAdmin.COMPLETION_POLICY_DESC_ON_DEMAND, cq, 64, sqBase)));
            final int sq = g.driver.adminResult().u16(AdminCompletion.CREATE_SQ_IDX_OFFSET);
            assertEquals(1, sq);
            assertEquals(EnaRegisters.txSqDoorbell(1), g.driver.adminResult().u32(AdminCompletion.CREATE_SQ_DOORBELL_OFFSET_OFFSET));

            // an RX SQ on a TX-sized CQ, LLQ placement, a depth that is not a power of two, a bad vector or size
            assertEquals(EnaAdmin.SUCCESS, admin(bed, g, c -> c.opcode(EnaAdmin.CREATE_CQ)
                .createCq(false, RxCompletion.ENTRY_SIZE_WORDS, 64, 0, rxCqBase)));
            final int rxCq = g.driver.adminResult().u16(AdminCompletion.CREATE_CQ_IDX_OFFSET);
            assertEquals(EnaAdmin.ILLEGAL_PARAMETER, admin(bed, g, c -> c.opcode(EnaAdmin.CREATE_SQ)
                .createSq(EnaAdmin.SQ_DIRECTION_RX, EnaAdmin.PLACEMENT_POLICY_HOST,
                    EnaAdmin.COMPLETION_POLICY_DESC_ON_DEMAND, cq, 64, sqBase)));
            assertEquals(EnaAdmin.ILLEGAL_PARAMETER, admin(bed, g, c -> c.opcode(EnaAdmin.CREATE_SQ)
                .createSq(EnaAdmin.SQ_DIRECTION_TX, EnaAdmin.PLACEMENT_POLICY_HOST,
                    EnaAdmin.COMPLETION_POLICY_DESC_ON_DEMAND, rxCq, 64, sqBase)));
            assertEquals(EnaAdmin.ILLEGAL_PARAMETER, admin(bed, g, c -> c.opcode(EnaAdmin.CREATE_SQ)
                .createSq(EnaAdmin.SQ_DIRECTION_RX, EnaAdmin.PLACEMENT_POLICY_DEV,
                    EnaAdmin.COMPLETION_POLICY_DESC_ON_DEMAND, rxCq, 64, sqBase)));
            assertEquals(EnaAdmin.ILLEGAL_PARAMETER, admin(bed, g, c -> c.opcode(EnaAdmin.CREATE_SQ)
                .createSq(EnaAdmin.SQ_DIRECTION_RX, EnaAdmin.PLACEMENT_POLICY_HOST,
                    EnaAdmin.COMPLETION_POLICY_DESC_ON_DEMAND, rxCq, 100, sqBase)));
            // all four CQs of a 2-pair function are taken now
            assertEquals(EnaAdmin.RESOURCE_ALLOCATION_FAILURE, admin(bed, g, c -> c.opcode(EnaAdmin.CREATE_CQ)
                .createCq(false, TxCompletion.ENTRY_SIZE_WORDS, 64, 0, cqBase)));
            assertEquals(EnaAdmin.SUCCESS, admin(bed, g, c -> c.opcode(EnaAdmin.DESTROY_CQ).destroyCq(rxCq)));
            assertEquals(EnaAdmin.ILLEGAL_PARAMETER, admin(bed, g, c -> c.opcode(EnaAdmin.CREATE_CQ)
                .createCq(true, TxCompletion.ENTRY_SIZE_WORDS, 64, 3, cqBase)));
            assertEquals(EnaAdmin.ILLEGAL_PARAMETER, admin(bed, g, c -> c.opcode(EnaAdmin.CREATE_CQ)
                .createCq(false, 3, 64, 0, cqBase)));
            assertEquals(EnaAdmin.SUCCESS, admin(bed, g, c -> c.opcode(EnaAdmin.CREATE_CQ)
                .createCq(false, TxCompletion.ENTRY_SIZE_WORDS, 64, 0, rxCqBase)));
            final int spareCq = g.driver.adminResult().u16(AdminCompletion.CREATE_CQ_IDX_OFFSET);
            // both TX SQs of a 2-pair function are taken
            assertEquals(EnaAdmin.RESOURCE_ALLOCATION_FAILURE, admin(bed, g, c -> c.opcode(EnaAdmin.CREATE_SQ)
                .createSq(EnaAdmin.SQ_DIRECTION_TX, EnaAdmin.PLACEMENT_POLICY_HOST,
                    EnaAdmin.COMPLETION_POLICY_DESC_ON_DEMAND, spareCq, 64, sqBase)));

            assertEquals(EnaAdmin.RESOURCE_BUSY, admin(bed, g, c -> c.opcode(EnaAdmin.DESTROY_CQ).destroyCq(cq)));
            assertEquals(EnaAdmin.ILLEGAL_PARAMETER, admin(bed, g, c -> c.opcode(EnaAdmin.DESTROY_SQ)
                .destroySq(sq, EnaAdmin.SQ_DIRECTION_RX)));
            assertEquals(EnaAdmin.SUCCESS, admin(bed, g, c -> c.opcode(EnaAdmin.DESTROY_SQ)
                .destroySq(sq, EnaAdmin.SQ_DIRECTION_TX)));
            assertEquals(EnaAdmin.SUCCESS, admin(bed, g, c -> c.opcode(EnaAdmin.DESTROY_CQ).destroyCq(cq)));
            assertEquals(EnaAdmin.ILLEGAL_PARAMETER, admin(bed, g, c -> c.opcode(EnaAdmin.DESTROY_CQ).destroyCq(cq)));
            assertEquals(EnaAdmin.ILLEGAL_PARAMETER, admin(bed, g, c -> c.opcode(EnaAdmin.DESTROY_SQ)
                .destroySq(sq, EnaAdmin.SQ_DIRECTION_TX)));
            assertTrue(g.driver.isUp());
            assertFalse(g.device.isFatal());
        }
    }

    @Test
    void shouldWrapTheAdminQueuePhaseAndKeepAnswering()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest g = bed.guest("i-a", NetworkInstanceCaps.C5_LARGE, 1, 16 << 20, d -> { },
                d -> d.adminDepths(4, 4), false).up();
            // 8 bring-up commands already wrapped a depth-4 admin queue twice; 9 more wrap it again
            for (int i = 0; i < 9; i++)
            {
                assertTrue(g.driver.requestBasicStats());
                bed.runFor(5_000);
                assertEquals(EnaAdmin.SUCCESS, g.driver.adminResultStatus());
            }
            assertEquals(17, g.device.adminCommands());
            // keep-alives every second wrap the depth-4 AENQ
            bed.runFor(10 * EnaBed.SECOND);
            assertEquals(10, g.driver.keepAlives());
            assertEquals(0, g.device.aenqDropped());
            assertTrue(g.driver.isUp());
        }
    }
}
