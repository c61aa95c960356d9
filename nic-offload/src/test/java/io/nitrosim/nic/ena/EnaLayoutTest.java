package io.nitrosim.nic.ena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.HexFormat;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Every guest-visible ENA layout, pinned to the literal bytes the published definitions give (Linux
 * drivers/net/ethernet/amazon/ena: ena_eth_io_defs.h, ena_admin_defs.h, ena_regs_defs.h, ena_common_defs.h; the
 * same files in amzn/amzn-drivers kernel/linux/common/ena_com). Each expected byte string below was worked out by
 * hand from those headers' field offsets and bit positions (quoted beside it), so a flyweight that moves a field
 * or a bit fails here even when device and driver, both written with the flyweight, still agree with each other.
 * Both directions are checked: the flyweight writes the bytes, and reads the fields back from the bytes.
 */
class EnaLayoutTest
{
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private static String hex(final UnsafeBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return HEX.formatHex(bytes);
    }

    private static UnsafeBuffer bytes(final String hex)
    {
        return new UnsafeBuffer(HEX.parseHex(hex));
    }

    @Test
    void shouldLayOutATxDescriptorAsEnaEthIoTxDesc()
    {
        // len_ctrl: length[15:0] = 1514, req_id_hi[21:16] = 0xABC >> 10 = 2, phase[24], first[26], comp_req[28]
        //   = 0x150205EA; meta_ctrl: req_id_lo[31:22] = 0xABC & 0x3FF = 0x2BC -> 0xAF000000;
        // buff_addr_lo = 0x56789ABC; buff_addr_hi_hdr_sz: addr_hi[15:0] = 0x1234, header_length[31:24] = 0.
        final UnsafeBuffer b = new UnsafeBuffer(new byte[TxDescriptor.LENGTH + 4]);
        new TxDescriptor().wrap(b, 4).set(1514, 0xABC, true, true, false, true, 0, 0x1234_5678_9ABCL);
        assertEquals("ea 05 02 15 00 00 00 af bc 9a 78 56 34 12 00 00", hex(b, 4, 16));

        // A meta descriptor closing a chain: meta_desc[23] and last[27] only, phase 0.
        final TxDescriptor meta = new TxDescriptor().wrap(bytes("00 00 80 08 00 00 00 00 00 00 00 00 00 00 00 00"), 0);
        assertTrue(meta.metaDesc());
        assertTrue(meta.last());
        assertFalse(meta.first());
        assertFalse(meta.phase());
        assertFalse(meta.compReq());

        final TxDescriptor read = new TxDescriptor().wrap(bytes("ea 05 02 15 00 00 00 af bc 9a 78 56 34 12 00 00"), 0);
        assertEquals(1514, read.length());
        assertEquals(0xABC, read.reqId());
        assertTrue(read.phase());
        assertTrue(read.first());
        assertFalse(read.last());
        assertTrue(read.compReq());
        assertFalse(read.metaDesc());
        assertEquals(0x1234_5678_9ABCL, read.bufferAddress());
    }

    @Test
    void shouldLayOutATxCompletionAsEnaEthIoTxCdesc()
    {
        // req_id u16, status u8, flags u8 (phase[0]), sub_qid u16, sq_head_idx u16
        final UnsafeBuffer b = new UnsafeBuffer(new byte[TxCompletion.LENGTH]);
        new TxCompletion().wrap(b, 0).set(0x1234, 2, true, 0xBEEF);
        assertEquals("34 12 02 01 00 00 ef be", hex(b, 0, 8));

        final TxCompletion read = new TxCompletion().wrap(bytes("07 00 01 00 00 00 03 00"), 0);
        assertEquals(7, read.reqId());
        assertEquals(1, read.status());
        assertFalse(read.phase());
        assertEquals(3, read.sqHead());
        assertTrue(new TxCompletion().wrap(bytes("07 00 00 01 00 00 03 00"), 0).phase());
        // The driver polls the tag as the little-endian word at 0: flags is its byte 3, phase its bit 24.
        assertEquals(0, TxCompletion.PHASE_TAG.wordOffset());
        assertEquals(1 << 24, TxCompletion.PHASE_TAG.mask());
        assertEquals(2, TxCompletion.ENTRY_SIZE_WORDS);
    }

    @Test
    void shouldLayOutAnRxDescriptorAsEnaEthIoRxDesc()
    {
        // length u16 = 2048, reserved2 u8, ctrl u8: phase[0] | first[2] | last[3] | comp_req[4] | reserved5 MBO[5]
        //   = 0x3D, req_id u16 = 0x0123, reserved6 u16, buff_addr_lo u32, buff_addr_hi u16, reserved16_w3 u16
        final UnsafeBuffer b = new UnsafeBuffer(new byte[RxDescriptor.LENGTH]);
        new RxDescriptor().wrap(b, 0).set(2048, 0x0123, true, 0xABCD_1234_5678L);
        assertEquals("00 08 00 3d 23 01 00 00 78 56 34 12 cd ab 00 00", hex(b, 0, 16));

        final RxDescriptor read = new RxDescriptor().wrap(bytes("00 00 00 28 05 00 00 00 00 10 00 00 01 00 00 00"), 0);
        assertEquals(65_536, read.bufferLength(), "a length of 0 means 64 KiB");
        assertFalse(read.phase());
        assertFalse(read.first());
        assertTrue(read.last());
        assertFalse(read.compReq());
        assertEquals(5, read.reqId());
        assertEquals(0x1_0000_1000L, read.bufferAddress());
    }

    @Test
    void shouldLayOutAnRxCompletionAsEnaEthIoRxCdescBase()
    {
        // status u32: l3_proto_idx[4:0] = 8 (IPv4), l4_proto_idx[12:8] = 13 (UDP), phase[24], first[26], last[27],
        //   buffer[30] = 0x4D000D08; length u16 = 1514; req_id u16 = 7; hash u32; sub_qid u16; offset u8; reserved
        final UnsafeBuffer b = new UnsafeBuffer(new byte[RxCompletion.LENGTH]);
        new RxCompletion().wrap(b, 0).set(RxCompletion.protocolIndexes(RxCompletion.L3_PROTO_IPV4,
            RxCompletion.L4_PROTO_UDP), true, true, true, 1514, 7, 0xCAFE_BABE);
        assertEquals("08 0d 00 4d ea 05 07 00 be ba fe ca 00 00 00 00", hex(b, 0, 16));

        // A middle buffer of a TCP frame: l4 12 only on the last, so here just buffer[30] and phase 0.
        final RxCompletion middle = new RxCompletion().wrap(bytes("00 00 00 40 00 10 02 00 00 00 00 00 00 00 00 00"), 0);
        assertFalse(middle.phase());
        assertFalse(middle.first());
        assertFalse(middle.last());
        assertEquals(4096, middle.length());
        assertEquals(2, middle.reqId());
        final RxCompletion last = new RxCompletion().wrap(bytes("08 0c 00 0d 10 00 09 00 01 00 00 00 00 00 00 00"), 0);
        assertTrue(last.phase());
        assertTrue(last.last());
        assertTrue(last.first());
        assertEquals(RxCompletion.L3_PROTO_IPV4, last.l3ProtoIdx());
        assertEquals(RxCompletion.L4_PROTO_TCP, last.l4ProtoIdx());
        assertEquals(1, last.hash());
        assertEquals(0, RxCompletion.PHASE_TAG.wordOffset());
        assertEquals(1 << 24, RxCompletion.PHASE_TAG.mask());
        assertEquals(4, RxCompletion.ENTRY_SIZE_WORDS);
        // ena_eth_io_defs.h: ENA_ETH_IO_RX_CDESC_BASE_L3_CSUM_ERR_MASK BIT(13), _L4_CSUM_ERR_MASK BIT(14),
        // _IPV4_FRAG_MASK BIT(15), _L4_CSUM_CHECKED_MASK BIT(16): a TCP frame whose IPv4 header checksum failed
        // (status 0x0d002c08) and a UDP frame whose L4 checksum was checked and failed (0x0d014d08)
        final UnsafeBuffer csum = new UnsafeBuffer(new byte[RxCompletion.LENGTH]);
        new RxCompletion().wrap(csum, 0).set(RxCompletion.protocolIndexes(RxCompletion.L3_PROTO_IPV4,
            RxCompletion.L4_PROTO_TCP) | RxCompletion.L3_CSUM_ERR, true, true, true, 64, 0, 0);
        assertEquals("08 2c 00 4d", hex(csum, 0, 4));
        new RxCompletion().wrap(csum, 0).set(RxCompletion.protocolIndexes(RxCompletion.L3_PROTO_IPV4,
            RxCompletion.L4_PROTO_UDP) | RxCompletion.L4_CSUM_ERR | RxCompletion.L4_CSUM_CHECKED, true, true, true, 64,
            0, 0);
        assertEquals("08 4d 01 4d", hex(csum, 0, 4));
        assertEquals(0x2000, RxCompletion.L3_CSUM_ERR);
        assertEquals(0x4000, RxCompletion.L4_CSUM_ERR);
        assertEquals(0x8000, RxCompletion.IPV4_FRAG);
        assertEquals(0x1_0000, RxCompletion.L4_CSUM_CHECKED);
        // ena_eth_io_tx_desc meta_ctrl: ENA_ETH_IO_TX_DESC_L3_CSUM_EN_MASK BIT(13), _L4_CSUM_EN_MASK BIT(14),
        // _L4_CSUM_PARTIAL_MASK BIT(17)
        assertEquals(0x2000, TxDescriptor.L3_CSUM_EN);
        assertEquals(0x4000, TxDescriptor.L4_CSUM_EN);
        assertEquals(0x2_0000, TxDescriptor.L4_CSUM_PARTIAL);
        // ena_eth_io_l3_proto_index / l4_proto_index
        assertEquals(8, RxCompletion.L3_PROTO_IPV4);
        assertEquals(12, RxCompletion.L4_PROTO_TCP);
        assertEquals(13, RxCompletion.L4_PROTO_UDP);
    }

    @Test
    void shouldLayOutAdminCommandsAsEnaAdminAqEntries()
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[AdminCommand.LENGTH]);
        final AdminCommand c = new AdminCommand().wrap(b, 0);
        // ena_admin_aq_common_desc: command_id[11:0] u16, opcode u8, flags u8 (phase[0]);
        // ena_admin_aq_create_sq_cmd: sq_identity u8 (sq_direction[7:5]), reserved, sq_caps_2 (placement_policy[3:0],
        //   completion_policy[6:4]), sq_caps_3 (is_physically_contiguous[0]), cq_idx u16, sq_depth u16,
        //   sq_ba ena_common_mem_addr {mem_addr_low u32, mem_addr_high u16, reserved16 u16}
        c.clear().header(0xABC, EnaAdmin.CREATE_SQ, true).createSq(EnaAdmin.SQ_DIRECTION_TX,
            EnaAdmin.PLACEMENT_POLICY_HOST, EnaAdmin.COMPLETION_POLICY_DESC_ON_DEMAND, 3, 1024, 0x1_2345_6000L);
        assertEquals("bc 0a 01 01 20 00 11 01 03 00 00 04 00 60 45 23 01 00 00 00 00 00 00 00", hex(b, 0, 24));

        // ena_admin_aq_create_cq_cmd: cq_caps_1 (interrupt_mode_enabled[5]), cq_caps_2 (cq_entry_size_words[4:0]),
        //   cq_depth u16, msix_vector u32, cq_ba
        c.clear().header(1, EnaAdmin.CREATE_CQ, false).createCq(true, 4, 512, 2, 0x10_0000L);
        assertEquals("01 00 03 00 20 04 00 02 02 00 00 00 00 00 10 00 00 00 00 00", hex(b, 0, 20));

        // ena_admin_aq_destroy_sq_cmd: ena_admin_sq {sq_idx u16, sq_identity u8 (sq_direction[7:5])}
        c.clear().header(2, EnaAdmin.DESTROY_SQ, true).destroySq(5, EnaAdmin.SQ_DIRECTION_RX);
        assertEquals("02 00 02 01 05 00 40 00", hex(b, 0, 8));
        // ena_admin_aq_destroy_cq_cmd: cq_idx u16
        c.clear().header(3, EnaAdmin.DESTROY_CQ, true).destroyCq(6);
        assertEquals("03 00 04 01 06 00 00 00", hex(b, 0, 8));

        // ena_admin_set_feat_cmd: control_buffer {length u32, address} at 4, feat_common at 16 {flags (select[1:0]),
        //   feature_id, feature_version, reserved}, then ena_admin_set_feature_mtu_desc {mtu u32} at 20
        c.clear().header(4, EnaAdmin.SET_FEATURE, true).feature(EnaAdmin.FEATURE_MTU)
            .u32(AdminCommand.SET_MTU_OFFSET, 9001);
        assertEquals("04 00 09 01 00 00 00 00 00 00 00 00 00 00 00 00 01 0e 00 00 29 23 00 00", hex(b, 0, 24));
        // ena_admin_feature_aenq_desc {supported_groups u32, enabled_groups u32} at 20
        c.u8(AdminCommand.FEATURE_ID_OFFSET, EnaAdmin.FEATURE_AENQ_CONFIG).u32(AdminCommand.SET_MTU_OFFSET, 0)
            .u32(AdminCommand.SET_AENQ_ENABLED_GROUPS_OFFSET, 0x13);
        assertEquals("01 1a 00 00 00 00 00 00 13 00 00 00", hex(b, 16, 12));

        // ena_admin_aq_get_stats_cmd: control_buffer at 4, type u8 at 16, scope u8, reserved3 u16, queue_idx u16,
        //   device_id u16 (0xFFFF: mine), requested_metrics u64
        c.clear().header(5, EnaAdmin.GET_STATS, false).getStats(EnaAdmin.STATS_TYPE_ENI);
        assertEquals("02 01 00 00 00 00 ff ff 00 00 00 00 00 00 00 00", hex(b, 16, 16));

        final AdminCommand read = new AdminCommand().wrap(bytes("bc fa 03 01 20 04 00 02 02 00 00 00 00 00 10 00"
            + " 00 00 00 00" + " 00".repeat(44)), 0);
        assertEquals(0xABC, read.commandId(), "bits 15:12 of command_id are reserved");
        assertEquals(EnaAdmin.CREATE_CQ, read.opcode());
        assertTrue(read.phase());
        assertEquals(512, read.u16(AdminCommand.CREATE_CQ_DEPTH_OFFSET));
        assertEquals(0x10_0000L, read.address(AdminCommand.CREATE_CQ_BASE_OFFSET));
    }

    @Test
    void shouldLayOutAdminCompletionsAsEnaAdminAcqEntries()
    {
        // ena_admin_acq_common_desc: command u16 (command_id[11:0]), status u8, flags u8 (phase[0]),
        //   extended_status u16, sq_head_indx u16
        final UnsafeBuffer b = new UnsafeBuffer(new byte[AdminCompletion.LENGTH]);
        final AdminCompletion c = new AdminCompletion().wrap(b, 0).clear();
        c.header(0x123, EnaAdmin.ILLEGAL_PARAMETER, true, 0x42);
        assertEquals("23 01 05 01 00 00 42 00", hex(b, 0, 8));
        // ena_admin_acq_create_cq_resp_desc: cq_idx u16 at 8, cq_actual_depth u16, numa_node_register_offset u32,
        //   cq_head_db_register_offset u32, cq_interrupt_unmask_register_offset u32 at 20
        c.u16(AdminCompletion.CREATE_CQ_IDX_OFFSET, 3).u16(AdminCompletion.CREATE_CQ_ACTUAL_DEPTH_OFFSET, 256)
            .u32(AdminCompletion.CREATE_CQ_UNMASK_REGISTER_OFFSET, 0x180C);
        assertEquals("03 00 00 01 00 00 00 00 00 00 00 00 0c 18 00 00", hex(b, 8, 16));
        // ena_admin_acq_create_sq_resp_desc: sq_idx u16 at 8, reserved u16, sq_doorbell_offset u32 at 12
        c.clear().u16(AdminCompletion.CREATE_SQ_IDX_OFFSET, 1)
            .u32(AdminCompletion.CREATE_SQ_DOORBELL_OFFSET_OFFSET, 0x1008);
        assertEquals("01 00 00 00 08 10 00 00", hex(b, 8, 8));
        // ena_admin_device_attr_feature_desc at 8: impl_id, device_version, supported_features, capabilities,
        //   phys_addr_width, virt_addr_width (u32 each), mac_addr[6] (network order) at 32, flow_steering u16,
        //   max_mtu u32 at 40
        c.clear().u32(AdminCompletion.DEV_ATTR_PHYS_ADDR_WIDTH_OFFSET, 48).macAddress(0x0A1B_2C3D_4E5FL)
            .u32(AdminCompletion.DEV_ATTR_MAX_MTU_OFFSET, 9001);
        assertEquals("30 00 00 00 00 00 00 00 0a 1b 2c 3d 4e 5f 00 00 29 23 00 00", hex(b, 24, 20));
        // ena_admin_queue_feature_desc at 8: max_sq_num, max_sq_depth, max_cq_num, max_cq_depth, max_legacy_llq_num,
        //   max_legacy_llq_depth, max_header_size (u32 each), max_packet_tx_descs u16 at 36, max_packet_rx_descs u16
        c.clear().u32(AdminCompletion.MAX_QUEUES_SQ_NUM_OFFSET, 8).u32(AdminCompletion.MAX_QUEUES_CQ_DEPTH_OFFSET, 4096)
            .u16(AdminCompletion.MAX_QUEUES_PACKET_TX_DESCS_OFFSET, 32)
            .u16(AdminCompletion.MAX_QUEUES_PACKET_RX_DESCS_OFFSET, 16);
        assertEquals("08 00 00 00 00 00 00 00 00 00 00 00 00 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 20 00 10 00",
            hex(b, 8, 32));

        // ena_admin_acq_get_stats_resp: the union at 8; ena_admin_eni_stats: five u64 (bw_in, bw_out, pps,
        //   conntrack, linklocal allowance exceeded); ena_admin_basic_stats: tx_bytes, tx_pkts, rx_bytes, rx_pkts,
        //   rx_drops, tx_drops, rx_overruns as low/high u32 pairs
        final AdminCompletion stats = new AdminCompletion().wrap(bytes("00 00 00 01 00 00 01 00"
            + " 01 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00 03 00 00 00 00 00 00 00"
            + " 04 00 00 00 00 00 00 00 05 00 00 00 01 00 00 00" + " 00".repeat(16)), 0);
        assertTrue(stats.phase());
        assertEquals(EnaAdmin.SUCCESS, stats.status());
        assertEquals(1, stats.sqHead());
        assertEquals(1, stats.eniStat(0));
        assertEquals(4, stats.eniStat(3));
        assertEquals(0x1_0000_0005L, stats.eniStat(4));
        assertEquals(0x1_0000_0005L, stats.u64(AdminCompletion.BASIC_RX_DROPS_OFFSET));
        assertEquals(3, stats.u64(AdminCompletion.BASIC_RX_BYTES_OFFSET));
        assertEquals(0, AdminCompletion.PHASE_TAG.wordOffset());
        assertEquals(1 << 24, AdminCompletion.PHASE_TAG.mask());
    }

    @Test
    void shouldLayOutEventsAsEnaAdminAenqEntries()
    {
        // ena_admin_aenq_common_desc: group u16, syndrome u16, flags u8 (phase[0]), reserved1[3], timestamp_low u32,
        //   timestamp_high u32; ena_admin_aenq_keep_alive_desc: rx_drops, tx_drops, rx_overruns (low/high u32) at 16
        final UnsafeBuffer b = new UnsafeBuffer(new byte[AenqEntry.LENGTH]);
        new AenqEntry().wrap(b, 0).clear().header(EnaAdmin.AENQ_KEEP_ALIVE, 0x10, true, 0x1_0000_0002L)
            .u64(AenqEntry.KEEP_ALIVE_TX_DROPS_OFFSET, 6);
        assertEquals("04 00 10 00 01 00 00 00 02 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 06 00 00 00 00 00 00 00",
            hex(b, 0, 32));
        // ena_admin_aenq_link_change_desc: flags u32 (link_status[0]) at 16
        final AenqEntry link = new AenqEntry().wrap(bytes("00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
            + " 01 00 00 00" + " 00".repeat(44)), 0);
        assertEquals(EnaAdmin.AENQ_LINK_CHANGE, link.group());
        assertTrue(link.linkUp());
        assertFalse(link.phase());
        assertEquals(4, AenqEntry.PHASE_TAG.wordOffset());
        assertEquals(1, AenqEntry.PHASE_TAG.mask());
        // the events the device posts when an ENI's link goes down and comes back: group LINK_CHANGE (0), syndrome 0,
        // flags (phase) 1, then ena_admin_aenq_link_change_desc.flags with ENA_ADMIN_AENQ_LINK_CHANGE_DESC_LINK_STATUS_MASK
        // (BIT(0)) clear for down and set for up
        final UnsafeBuffer down = new UnsafeBuffer(new byte[AenqEntry.LENGTH]);
        new AenqEntry().wrap(down, 0).clear().header(EnaAdmin.AENQ_LINK_CHANGE, 0, true, 1_000_000_000L).linkUp(false);
        assertEquals("00 00 00 00 01 00 00 00 00 ca 9a 3b 00 00 00 00 00 00 00 00", hex(down, 0, 20));
        final UnsafeBuffer up = new UnsafeBuffer(new byte[AenqEntry.LENGTH]);
        new AenqEntry().wrap(up, 0).clear().header(EnaAdmin.AENQ_LINK_CHANGE, 0, true, 1_500_000_000L).linkUp(true);
        assertEquals("00 00 00 00 01 00 00 00 00 2f 68 59 00 00 00 00 01 00 00 00", hex(up, 0, 20));
        assertFalse(new AenqEntry().wrap(down, 0).linkUp());
        assertTrue(new AenqEntry().wrap(up, 0).linkUp());
        // ena_admin_aenq_group
        assertEquals(0, EnaAdmin.AENQ_LINK_CHANGE);
        assertEquals(1, EnaAdmin.AENQ_FATAL_ERROR);
        assertEquals(4, EnaAdmin.AENQ_KEEP_ALIVE);
    }

    @Test
    void shouldLayOutTheReadLessResponseAndMemoryAddresses()
    {
        // ena_admin_ena_mmio_req_read_less_resp: req_id u16, reg_off u16, reg_val u32
        final UnsafeBuffer b = new UnsafeBuffer(new byte[8]);
        b.putLong(0, MmioReadResponse.encode(0x1234, EnaRegisters.DEV_STS, 0xDEAD_BEEF), ByteOrder.LITTLE_ENDIAN);
        assertEquals("34 12 58 00 ef be ad de", hex(b, 0, 8));
        // ena_common_mem_addr: mem_addr_low u32, mem_addr_high u16 (bits 47:32), reserved16 u16
        final UnsafeBuffer a = new UnsafeBuffer(new byte[8]);
        EnaMemAddress.put(a, 0, 0xABCD_1234_5678L);
        assertEquals("78 56 34 12 cd ab 00 00", hex(a, 0, 8));
        assertEquals(0xABCD_1234_5678L, EnaMemAddress.get(bytes("78 56 34 12 cd ab ff ff"), 0));
        assertFalse(EnaMemAddress.fits(1L << 48));
    }

    @Test
    void shouldUseTheRegisterOffsetsAndBitsOfEnaRegsDefs()
    {
        // ena_regs_defs.h offsets
        final int[] offsets = {EnaRegisters.VERSION, EnaRegisters.CONTROLLER_VERSION, EnaRegisters.CAPS,
            EnaRegisters.CAPS_EXT, EnaRegisters.AQ_BASE_LO, EnaRegisters.AQ_BASE_HI, EnaRegisters.AQ_CAPS,
            EnaRegisters.ACQ_BASE_LO, EnaRegisters.ACQ_BASE_HI, EnaRegisters.ACQ_CAPS, EnaRegisters.AQ_DB,
            EnaRegisters.ACQ_TAIL, EnaRegisters.AENQ_CAPS, EnaRegisters.AENQ_BASE_LO, EnaRegisters.AENQ_BASE_HI,
            EnaRegisters.AENQ_HEAD_DB, EnaRegisters.AENQ_TAIL, EnaRegisters.INTR_MASK, EnaRegisters.DEV_CTL,
            EnaRegisters.DEV_STS, EnaRegisters.MMIO_REG_READ, EnaRegisters.MMIO_RESP_LO, EnaRegisters.MMIO_RESP_HI,
            EnaRegisters.RSS_IND_ENTRY_UPDATE};
        final int[] linux = {0x0, 0x4, 0x8, 0xc, 0x10, 0x14, 0x18, 0x20, 0x24, 0x28, 0x2c, 0x30, 0x34, 0x38, 0x3c,
            0x40, 0x44, 0x4c, 0x54, 0x58, 0x5c, 0x60, 0x64, 0x68};
        assertEquals(java.util.Arrays.toString(linux), java.util.Arrays.toString(offsets));
        // caps register
        assertEquals(0x1, EnaRegisters.CAPS_CONTIGUOUS_QUEUE_REQUIRED);
        assertEquals(0x3e, EnaRegisters.CAPS_RESET_TIMEOUT_MASK);
        assertEquals(1, EnaRegisters.CAPS_RESET_TIMEOUT_SHIFT);
        assertEquals(0xff00, EnaRegisters.CAPS_DMA_ADDR_WIDTH_MASK);
        assertEquals(0xf0000, EnaRegisters.CAPS_ADMIN_CMD_TO_MASK);
        // aq_caps / acq_caps / aenq_caps: depth[15:0], entry_size[31:16]
        assertEquals(0x0040_0020, EnaRegisters.queueCaps(32, 64));
        // dev_ctl register
        assertEquals(0x1, EnaRegisters.DEV_CTL_DEV_RESET);
        assertEquals(0x2, EnaRegisters.DEV_CTL_AQ_RESTART);
        assertEquals(0x4, EnaRegisters.DEV_CTL_QUIESCENT);
        assertEquals(0x8, EnaRegisters.DEV_CTL_IO_RESUME);
        assertEquals(0xf000_0000, EnaRegisters.DEV_CTL_RESET_REASON_MASK);
        assertEquals(28, EnaRegisters.DEV_CTL_RESET_REASON_SHIFT);
        // dev_sts register
        assertEquals(0x1, EnaRegisters.DEV_STS_READY);
        assertEquals(0x2, EnaRegisters.DEV_STS_AQ_RESTART_IN_PROGRESS);
        assertEquals(0x4, EnaRegisters.DEV_STS_AQ_RESTART_FINISHED);
        assertEquals(0x8, EnaRegisters.DEV_STS_RESET_IN_PROGRESS);
        assertEquals(0x10, EnaRegisters.DEV_STS_RESET_FINISHED);
        assertEquals(0x20, EnaRegisters.DEV_STS_FATAL_ERROR);
        assertEquals(0x40, EnaRegisters.DEV_STS_QUIESCENT_STATE_IN_PROGRESS);
        assertEquals(0x80, EnaRegisters.DEV_STS_QUIESCENT_STATE_ACHIEVED);
        // mmio_reg_read register
        assertEquals(0xffff, EnaRegisters.MMIO_REG_READ_REQ_ID_MASK);
        assertEquals(16, EnaRegisters.MMIO_REG_READ_REG_OFF_SHIFT);
        // ena_eth_io_intr_reg: intr_unmask[30]
        assertEquals(1 << 30, EnaRegisters.INTR_REG_UNMASK);
        // ena_regs_reset_reason_types
        assertEquals(2, EnaResetReason.ADMIN_TO);
        assertEquals(5, EnaResetReason.INV_TX_REQ_ID);
        assertEquals(7, EnaResetReason.INIT_ERR);
        assertEquals(13, EnaResetReason.GENERIC);
        assertEquals(16, EnaResetReason.RX_DESCRIPTOR_MALFORMED);
    }

    @Test
    void shouldUseTheAdminVocabularyOfEnaAdminDefs()
    {
        // ena_admin_aq_opcode
        assertEquals("1 2 3 4 8 9 11", EnaAdmin.CREATE_SQ + " " + EnaAdmin.DESTROY_SQ + " " + EnaAdmin.CREATE_CQ + " "
            + EnaAdmin.DESTROY_CQ + " " + EnaAdmin.GET_FEATURE + " " + EnaAdmin.SET_FEATURE + " " + EnaAdmin.GET_STATS);
        // ena_admin_aq_completion_status
        assertEquals("0 1 2 3 4 5 6 7", EnaAdmin.SUCCESS + " " + EnaAdmin.RESOURCE_ALLOCATION_FAILURE + " "
            + EnaAdmin.BAD_OPCODE + " " + EnaAdmin.UNSUPPORTED_OPCODE + " " + EnaAdmin.MALFORMED_REQUEST + " "
            + EnaAdmin.ILLEGAL_PARAMETER + " " + EnaAdmin.UNKNOWN_ERROR + " " + EnaAdmin.RESOURCE_BUSY);
        // ena_admin_aq_feature_id
        assertEquals("1 2 14 26", EnaAdmin.FEATURE_DEVICE_ATTRIBUTES + " " + EnaAdmin.FEATURE_MAX_QUEUES_NUM + " "
            + EnaAdmin.FEATURE_MTU + " " + EnaAdmin.FEATURE_AENQ_CONFIG);
        // ena_admin_get_stats_type / scope, placement and completion policies, sq direction, caps
        assertEquals("0 2 1", EnaAdmin.STATS_TYPE_BASIC + " " + EnaAdmin.STATS_TYPE_ENI + " "
            + EnaAdmin.STATS_SCOPE_ETH_TRAFFIC);
        assertEquals("1 3 0 1", EnaAdmin.PLACEMENT_POLICY_HOST + " " + EnaAdmin.PLACEMENT_POLICY_DEV + " "
            + EnaAdmin.COMPLETION_POLICY_DESC + " " + EnaAdmin.COMPLETION_POLICY_DESC_ON_DEMAND);
        assertEquals("1 2 0", EnaAdmin.SQ_DIRECTION_TX + " " + EnaAdmin.SQ_DIRECTION_RX + " "
            + EnaAdmin.CAPABILITY_ENI_STATS);
    }
}
