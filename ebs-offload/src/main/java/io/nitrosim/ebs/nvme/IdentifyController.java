package io.nitrosim.ebs.nvme;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.nitrosim.ebs.volume.VolumeId;

/**
 * The 4096-byte Identify Controller data structure (CNS 01h), as a flyweight, with the Amazon EBS identity
 * (docs/sources.md section 4; amazon-ec2-utils ebsnvme-id and nvme-cli's amzn plugin read it). Little-endian; strings
 * are ASCII, space padded.
 * <pre>
 * offset  length  field
 *    0      2     VID      PCI vendor id (0x1d0f Amazon)
 *    2      2     SSVID    PCI subsystem vendor id (0x1d0f)
 *    4     20     SN       serial number: the volume id without the dash ("vol0123456789abcdef0")
 *   24     40     MN       model number: "Amazon Elastic Block Store"
 *   64      8     FR       firmware revision: "1.0"
 *   72      1     RAB      recommended arbitration burst
 *   73      3     IEEE     OUI
 *   76      1     CMIC
 *   77      1     MDTS     maximum data transfer: 2^MDTS pages of CAP.MPSMIN (0 = no limit)
 *   78      2     CNTLID   controller id
 *   80      4     VER      version (same encoding as the VS register)
 *   92      4     OAES     optional asynchronous events supported
 *   96      4     CTRATT
 *  111      1     CNTRLTYPE  1 = I/O controller
 *  134      2     CRDT1    command retry delay time 1, in 100 ms units (CRD = 1 in a status asks for it)
 *  136      2     CRDT2    command retry delay time 2
 *  138      2     CRDT3    command retry delay time 3
 *  256      2     OACS     optional admin commands supported
 *  258      1     ACL      abort command limit (0-based)
 *  259      1     AERL     async event request limit (0-based)
 *  260      1     FRMW
 *  261      1     LPA      log page attributes
 *  262      1     ELPE     error log page entries (0-based)
 *  263      1     NPSS     number of power states (0-based)
 *  512      1     SQES     SQ entry size: required[3:0], maximum[7:4], powers of two (6 = 64 B)
 *  513      1     CQES     CQ entry size: required[3:0], maximum[7:4] (4 = 16 B)
 *  514      2     MAXCMD
 *  516      4     NN       number of namespaces
 *  520      2     ONCS     optional NVM commands: DSM[2], Write Zeroes[3]
 *  525      1     VWC      volatile write cache present[0]
 *  536      4     SGLS     SGL support (0 = none)
 *  768    256     SUBNQN
 * 2048   1024     PSD0..31 power state descriptors (32 B each)
 * 3072   1024     VS       vendor specific; Amazon: the block-device-mapping name ("/dev/sdf") in its first
 *                          32 bytes, ASCII, space padded
 * </pre>
 */
public final class IdentifyController
{
    public static final int LENGTH = 4096;
    public static final int VID_OFFSET = 0;
    public static final int SSVID_OFFSET = 2;
    public static final int SERIAL_NUMBER_OFFSET = 4;
    public static final int SERIAL_NUMBER_LENGTH = 20;
    public static final int MODEL_NUMBER_OFFSET = 24;
    public static final int MODEL_NUMBER_LENGTH = 40;
    public static final int FIRMWARE_REVISION_OFFSET = 64;
    public static final int FIRMWARE_REVISION_LENGTH = 8;
    public static final int RAB_OFFSET = 72;
    public static final int IEEE_OFFSET = 73;
    public static final int CMIC_OFFSET = 76;
    public static final int MDTS_OFFSET = 77;
    public static final int CNTLID_OFFSET = 78;
    public static final int VER_OFFSET = 80;
    public static final int OAES_OFFSET = 92;
    public static final int CTRATT_OFFSET = 96;
    public static final int CNTRLTYPE_OFFSET = 111;
    public static final int CRDT1_OFFSET = 134;
    public static final int OACS_OFFSET = 256;
    public static final int ACL_OFFSET = 258;
    public static final int AERL_OFFSET = 259;
    public static final int FRMW_OFFSET = 260;
    public static final int LPA_OFFSET = 261;
    public static final int ELPE_OFFSET = 262;
    public static final int NPSS_OFFSET = 263;
    public static final int SQES_OFFSET = 512;
    public static final int CQES_OFFSET = 513;
    public static final int MAXCMD_OFFSET = 514;
    public static final int NN_OFFSET = 516;
    public static final int ONCS_OFFSET = 520;
    public static final int VWC_OFFSET = 525;
    public static final int SGLS_OFFSET = 536;
    public static final int SUBNQN_OFFSET = 768;
    public static final int SUBNQN_LENGTH = 256;
    public static final int POWER_STATE_OFFSET = 2048;
    public static final int VENDOR_SPECIFIC_OFFSET = 3072;
    public static final int VENDOR_SPECIFIC_LENGTH = 1024;
    /** Amazon: block-device-mapping name at the start of the vendor-specific area. */
    public static final int EBS_DEVICE_NAME_OFFSET = VENDOR_SPECIFIC_OFFSET;
    public static final int EBS_DEVICE_NAME_LENGTH = 32;

    public static final int AMAZON_VENDOR_ID = 0x1d0f;
    /** PCI device id of the EBS NVMe controller. */
    public static final int EBS_DEVICE_ID = 0x8061;
    public static final String EBS_MODEL_NUMBER = "Amazon Elastic Block Store";
    public static final String EBS_FIRMWARE_REVISION = "1.0";
    public static final int CONTROLLER_TYPE_IO = 1;
    public static final int ONCS_DATASET_MANAGEMENT = 1 << 2;
    public static final int ONCS_WRITE_ZEROES = 1 << 3;
    public static final int LPA_EXTENDED_DATA = 1 << 2;

    private MutableDirectBuffer buffer;
    private DirectBuffer readBuffer;
    private int offset;

    /** Wraps a page to fill (the device side). */
    public IdentifyController wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.readBuffer = buffer;
        this.offset = offset;
        return this;
    }

    /** Wraps a page to read (the driver side). */
    public IdentifyController wrapForRead(final DirectBuffer buffer, final int offset)
    {
        this.buffer = null;
        this.readBuffer = buffer;
        this.offset = offset;
        return this;
    }

    public IdentifyController clear()
    {
        buffer.setMemory(offset, LENGTH, (byte)0);
        return this;
    }

    /**
     * Fills the EBS identity: VID/SSVID 0x1d0f, serial = volume id without the dash, model "Amazon Elastic Block
     * Store", firmware "1.0", controller type I/O, and the device name in the vendor area.
     */
    public IdentifyController ebsIdentity(final VolumeId volumeId, final String deviceName)
    {
        vendorId(AMAZON_VENDOR_ID);
        subsystemVendorId(AMAZON_VENDOR_ID);
        serialNumber(volumeId.serialNumber());
        modelNumber(EBS_MODEL_NUMBER);
        firmwareRevision(EBS_FIRMWARE_REVISION);
        buffer.putByte(offset + CNTRLTYPE_OFFSET, (byte)CONTROLLER_TYPE_IO);
        return deviceName(deviceName);
    }

    public int vendorId()
    {
        return readBuffer.getShort(offset + VID_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    public IdentifyController vendorId(final int vid)
    {
        buffer.putShort(offset + VID_OFFSET, (short)vid, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    public int subsystemVendorId()
    {
        return readBuffer.getShort(offset + SSVID_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    public IdentifyController subsystemVendorId(final int ssvid)
    {
        buffer.putShort(offset + SSVID_OFFSET, (short)ssvid, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    public String serialNumber()
    {
        return AsciiField.get(readBuffer, offset + SERIAL_NUMBER_OFFSET, SERIAL_NUMBER_LENGTH);
    }

    public IdentifyController serialNumber(final String serial)
    {
        AsciiField.put(buffer, offset + SERIAL_NUMBER_OFFSET, SERIAL_NUMBER_LENGTH, serial);
        return this;
    }

    public String modelNumber()
    {
        return AsciiField.get(readBuffer, offset + MODEL_NUMBER_OFFSET, MODEL_NUMBER_LENGTH);
    }

    public IdentifyController modelNumber(final String model)
    {
        AsciiField.put(buffer, offset + MODEL_NUMBER_OFFSET, MODEL_NUMBER_LENGTH, model);
        return this;
    }

    public String firmwareRevision()
    {
        return AsciiField.get(readBuffer, offset + FIRMWARE_REVISION_OFFSET, FIRMWARE_REVISION_LENGTH);
    }

    public IdentifyController firmwareRevision(final String revision)
    {
        AsciiField.put(buffer, offset + FIRMWARE_REVISION_OFFSET, FIRMWARE_REVISION_LENGTH, revision);
        return this;
    }

    /** The block-device-mapping name from the Amazon vendor area. */
    public String deviceName()
    {
        return AsciiField.get(readBuffer, offset + EBS_DEVICE_NAME_OFFSET, EBS_DEVICE_NAME_LENGTH);
    }

    public IdentifyController deviceName(final String name)
    {
        AsciiField.put(buffer, offset + EBS_DEVICE_NAME_OFFSET, EBS_DEVICE_NAME_LENGTH, name);
        return this;
    }

    public int mdts()
    {
        return readBuffer.getByte(offset + MDTS_OFFSET) & 0xFF;
    }

    public IdentifyController mdts(final int mdts)
    {
        buffer.putByte(offset + MDTS_OFFSET, (byte)mdts);
        return this;
    }

    public int controllerId()
    {
        return readBuffer.getShort(offset + CNTLID_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    public IdentifyController controllerId(final int id)
    {
        buffer.putShort(offset + CNTLID_OFFSET, (short)id, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    public int version()
    {
        return readBuffer.getInt(offset + VER_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public IdentifyController version(final int version)
    {
        buffer.putInt(offset + VER_OFFSET, version, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    /** Abort and async-event limits and error log size, each given as a count (stored 0-based). */
    public IdentifyController limits(final int abortLimit, final int asyncEventLimit, final int errorLogEntries)
    {
        buffer.putByte(offset + ACL_OFFSET, (byte)(abortLimit - 1));
        buffer.putByte(offset + AERL_OFFSET, (byte)(asyncEventLimit - 1));
        buffer.putByte(offset + ELPE_OFFSET, (byte)(errorLogEntries - 1));
        return this;
    }

    /** CRDT1..3, each in 100 ms units (NVMe 1.4: the delays a status's CRD field 1..3 selects). */
    public IdentifyController commandRetryDelays(final int crdt1, final int crdt2, final int crdt3)
    {
        buffer.putShort(offset + CRDT1_OFFSET, (short)crdt1, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(offset + CRDT1_OFFSET + 2, (short)crdt2, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(offset + CRDT1_OFFSET + 4, (short)crdt3, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    /** CRDT{@code n} (n = 1..3), in 100 ms units. */
    public int commandRetryDelay(final int n)
    {
        return readBuffer.getShort(offset + CRDT1_OFFSET + 2 * (n - 1), ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    /** Abort Command Limit: Abort commands the host may have outstanding (ACL is 0-based). */
    public int abortLimit()
    {
        return (readBuffer.getByte(offset + ACL_OFFSET) & 0xFF) + 1;
    }

    public int errorLogEntries()
    {
        return (readBuffer.getByte(offset + ELPE_OFFSET) & 0xFF) + 1;
    }

    /** SQES / CQES: required and maximum entry sizes as powers of two. */
    public IdentifyController queueEntrySizes(final int sqShift, final int cqShift)
    {
        buffer.putByte(offset + SQES_OFFSET, (byte)((sqShift << 4) | sqShift));
        buffer.putByte(offset + CQES_OFFSET, (byte)((cqShift << 4) | cqShift));
        return this;
    }

    public int sqes()
    {
        return readBuffer.getByte(offset + SQES_OFFSET) & 0xFF;
    }

    public int cqes()
    {
        return readBuffer.getByte(offset + CQES_OFFSET) & 0xFF;
    }

    public int maxCommands()
    {
        return readBuffer.getShort(offset + MAXCMD_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    public IdentifyController maxCommands(final int maxcmd)
    {
        buffer.putShort(offset + MAXCMD_OFFSET, (short)maxcmd, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    public long namespaceCount()
    {
        return readBuffer.getInt(offset + NN_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
    }

    public IdentifyController namespaceCount(final long nn)
    {
        buffer.putInt(offset + NN_OFFSET, (int)nn, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    public int optionalNvmCommands()
    {
        return readBuffer.getShort(offset + ONCS_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    public IdentifyController optionalNvmCommands(final int oncs)
    {
        buffer.putShort(offset + ONCS_OFFSET, (short)oncs, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    public boolean volatileWriteCache()
    {
        return (readBuffer.getByte(offset + VWC_OFFSET) & 1) != 0;
    }

    public IdentifyController volatileWriteCache(final boolean present)
    {
        buffer.putByte(offset + VWC_OFFSET, (byte)(present ? 1 : 0));
        return this;
    }

    public IdentifyController logPageAttributes(final int lpa)
    {
        buffer.putByte(offset + LPA_OFFSET, (byte)lpa);
        return this;
    }
}
