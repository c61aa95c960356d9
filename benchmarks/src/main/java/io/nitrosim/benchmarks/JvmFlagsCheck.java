package io.nitrosim.benchmarks;

/**
 * Fails a benchmark fork that was started without the project's JVM flags (parent pom {@code nitro.jvm.flags}),
 * instead of letting it measure a JVM unlike the one the simulator runs in.
 */
final class JvmFlagsCheck
{
    private JvmFlagsCheck()
    {
    }

    static void requireProjectJvmFlags()
    {
        final boolean miscExported =
            Object.class.getModule().isExported("jdk.internal.misc", JvmFlagsCheck.class.getModule());
        if (!miscExported || !"true".equals(System.getProperty("chronicle.analytics.disable")))
        {
            throw new IllegalStateException("this JVM lacks the project's JVM flags (nitro.jvm.flags in the parent pom):"
                + " run benchmarks/run-benchmarks.sh, or pass them with -jvmArgsAppend");
        }
    }
}
