package io.nitrosim.ec2api;

import static io.nitrosim.ec2api.Ec2Fixture.IMAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.InstanceType;

/**
 * A measured run (not a speed gate): DescribeInstances of 100 running instances through the AWS SDK, from two
 * client threads; prints the requests per second. Every answer must hold all 100 instances.
 */
@Tag("slow")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DescribeThroughputTest
{
    private static final int CLIENTS = 2;
    private static final int REQUESTS_PER_CLIENT = 300;

    @Test
    void shouldDescribeOneHundredInstancesRepeatedly() throws Exception
    {
        try (Ec2Api api = Ec2Api.start(Ec2Fixture.context().hosts(3));
             Ec2Client setup = Ec2Fixture.client(api))
        {
            final List<String> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++)
            {
                setup.runInstances(b -> b.imageId(IMAGE).instanceType(InstanceType.C5_LARGE).minCount(25).maxCount(25))
                    .instances().forEach(x -> ids.add(x.instanceId()));
            }
            Ec2Fixture.awaitState(setup, ids.get(99), InstanceStateName.RUNNING);
            final ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            final List<Ec2Client> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++)
            {
                clients.add(Ec2Fixture.client(api));
                count(clients.get(i), 50); // warm-up: JIT, connections
            }
            final long startNs = System.nanoTime();
            final List<Future<Integer>> done = new ArrayList<>();
            for (final Ec2Client client : clients)
            {
                done.add(pool.submit(() -> count(client, REQUESTS_PER_CLIENT)));
            }
            int requests = 0;
            for (final Future<Integer> f : done)
            {
                requests += f.get();
            }
            final double seconds = (System.nanoTime() - startNs) / 1e9;
            pool.shutdown();
            clients.forEach(Ec2Client::close);
            System.out.printf("DescribeInstances with 100 instances: %d requests in %.2f s = %.0f requests/s (%d clients)%n",
                requests, seconds, requests / seconds, CLIENTS);
            assertEquals(CLIENTS * REQUESTS_PER_CLIENT, requests);
            // The same through a client that does not unmarshal the answer: the server's share of the time.
            final RawRequests raw = new RawRequests(api.endpoint());
            final long rawStartNs = System.nanoTime();
            int bytes = 0;
            for (int i = 0; i < REQUESTS_PER_CLIENT; i++)
            {
                final RawRequests.Reply reply = raw.post("Action=DescribeInstances&Version=2016-11-15",
                    Ec2Fixture.ACCESS_KEY, Ec2Fixture.SECRET);
                assertEquals(200, reply.status());
                bytes = reply.body().length();
            }
            final double rawSeconds = (System.nanoTime() - rawStartNs) / 1e9;
            System.out.printf("DescribeInstances with 100 instances, raw HTTP (%d B answers): %.0f requests/s (1 client)%n",
                bytes, REQUESTS_PER_CLIENT / rawSeconds);
        }
    }

    private static int count(final Ec2Client client, final int n)
    {
        for (int i = 0; i < n; i++)
        {
            final int[] instances = {0};
            client.describeInstances().reservations().forEach(r -> instances[0] += r.instances().size());
            assertEquals(100, instances[0]);
        }
        return n;
    }
}
