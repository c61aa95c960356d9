package io.nitrosim.ec2api;

import java.nio.file.Path;

/** A region in its own JVM for the kill -9 test: prints its endpoint, then serves until killed. */
public final class Ec2ApiChild
{
    private Ec2ApiChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Ec2Api api = Ec2Api.start(Ec2Fixture.context().dataDirectory(Path.of(args[0])));
        System.out.println("ENDPOINT " + api.endpoint() + " REPLAYED " + api.replayedEntries());
        System.out.flush();
        Thread.currentThread().join();
    }
}
