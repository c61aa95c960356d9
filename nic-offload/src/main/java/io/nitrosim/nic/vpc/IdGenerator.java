package io.nitrosim.nic.vpc;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Resource ids and MACs from one seeded {@link SplittableRandom}: the same seed and the same sequence of
 * requests give the same ids, so several simulator processes that build the same VPC from the same scenario
 * agree on every id without talking to each other.
 */
public final class IdGenerator
{
    private final SplittableRandom random;
    private final Set<String> issuedIds = new HashSet<>();
    private final Set<Long> issuedMacs = new HashSet<>();
    private final Set<Integer> issuedVnis = new HashSet<>();

    public IdGenerator(final long seed)
    {
        this.random = new SplittableRandom(seed);
    }

    /** {@code prefix + "-" + 17 lower-case hex digits} (68 random bits), unique within this generator. */
    public String nextId(final String prefix)
    {
        while (true)
        {
            final long high = random.nextInt(16);
            final long low = random.nextLong();
            final String hex = Character.forDigit((int)high, 16) + String.format("%016x", low);
            final String id = prefix + "-" + hex;
            if (issuedIds.add(id))
            {
                return id;
            }
        }
    }

    /** A locally administered unicast MAC 02:xx:xx:xx:xx:xx, unique within this generator. */
    public long nextMac()
    {
        while (true)
        {
            final long mac = 0x02_00_00_00_00_00L | (random.nextLong() & 0xFF_FF_FF_FF_FFL);
            if (issuedMacs.add(mac))
            {
                return mac;
            }
        }
    }

    /** A 24-bit virtual network id in 1..2^24-1, unique within this generator. */
    public int nextVni()
    {
        while (true)
        {
            final int vni = 1 + random.nextInt((1 << 24) - 1);
            if (issuedVnis.add(vni))
            {
                return vni;
            }
        }
    }
}
