package io.nitrosim.ec2api;

import java.net.URI;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** The real AWS SDK for Java v2 pointed at an {@link Ec2Api} on 127.0.0.1; it never reaches anything else. */
final class Ec2Fixture
{
    static
    {
        // No instance metadata or credential-chain look-ups: region, credentials and endpoint are all given.
        System.setProperty("aws.disableEc2Metadata", "true");
    }

    static final String ACCESS_KEY = "AKIDNITROSIMTEST0001";
    static final String SECRET = "nitro-sim-test-secret";
    static final String IMAGE = "ami-0123456789abcdef0";

    private Ec2Fixture()
    {
    }

    static Ec2Api.Context context()
    {
        return Ec2Api.context().port(0).transitionDelayNs(20_000_000L);
    }

    static Ec2Client client(final Ec2Api api)
    {
        return client(api.endpoint(), ACCESS_KEY, SECRET);
    }

    static Ec2Client client(final String endpoint, final String accessKey, final String secret)
    {
        return Ec2Client.builder()
            .endpointOverride(URI.create(endpoint))
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
            .httpClientBuilder(Apache5HttpClient.builder())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                .apiCallTimeout(Duration.ofSeconds(30)))
            .build();
    }

    /** The EC2 error the call fails with. */
    static AwsServiceException refused(final String code, final int status, final Runnable call)
    {
        final AwsServiceException ex = assertThrows(AwsServiceException.class, call::run);
        org.junit.jupiter.api.Assertions.assertEquals(code, ex.awsErrorDetails().errorCode(), ex.getMessage());
        org.junit.jupiter.api.Assertions.assertEquals(status, ex.statusCode(), ex.getMessage());
        return ex;
    }

    /** Polls (wall time: the region runs in real time) until the condition holds, at most 20 s. */
    static void await(final String what, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
            try
            {
                Thread.sleep(5);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError(ex);
            }
        }
    }

    static Filter filter(final String name, final String... values)
    {
        return Filter.builder().name(name).values(values).build();
    }

    static InstanceStateName state(final Ec2Client ec2, final String instanceId)
    {
        return ec2.describeInstances(b -> b.instanceIds(instanceId)).reservations().get(0).instances().get(0)
            .state().name();
    }

    static void awaitState(final Ec2Client ec2, final String instanceId, final InstanceStateName wanted)
    {
        await(instanceId + " " + wanted, () -> state(ec2, instanceId) == wanted);
    }

    /** Device names EC2 accepts for EBS: /dev/sdf../dev/sdz, then /dev/sdaa... */
    static String device(final int n)
    {
        return n < 21 ? "/dev/sd" + (char)('f' + n) : "/dev/sda" + (char)('a' + n - 21);
    }
}
