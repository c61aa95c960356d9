package io.nitrosim.ebs.storage;

/** The one range check of the storage package's configurations. */
final class ConfigChecks
{
    private ConfigChecks()
    {
    }

    /** @throws IllegalArgumentException one line naming the value and the accepted range. */
    static void range(final String name, final long value, final long min, final long max, final String unit)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(name + " " + value + unit + " is out of range: accepted " + min + ".."
                + max + unit);
        }
    }
}
