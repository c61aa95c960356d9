package io.nitrosim.ec2api;

import static io.nitrosim.ec2api.Ec2Fixture.ACCESS_KEY;
import static io.nitrosim.ec2api.Ec2Fixture.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.ec2api.http.Credentials;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** Bad requests get EC2's error XML and status, never a stack trace or a hang; signatures are checked. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BadRequestsTest
{
    private static final String V = "&Version=2016-11-15";

    private static void assertError(final RawRequests.Reply reply, final int status, final String code)
    {
        assertEquals(status, reply.status(), reply.body());
        assertEquals(code, reply.code(), reply.body());
        assertTrue(reply.body().startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>"),
            reply.body());
        assertTrue(reply.body().matches("(?s).*<RequestID>[0-9a-f-]{36}</RequestID></Response>"), reply.body());
        assertFalse(reply.body().contains("Exception") || reply.body().contains("\tat "), "no stack trace: " + reply.body());
    }

    @Test
    void shouldAnswerEveryBadRequestWithAnEc2Error() throws Exception
    {
        try (Ec2Api api = Ec2Api.start(Ec2Fixture.context().maxBodyBytes(64 * 1024)))
        {
            final RawRequests raw = new RawRequests(api.endpoint());
            final RawRequests.Reply ok = raw.post("Action=DescribeVpcs" + V, ACCESS_KEY, SECRET);
            assertEquals(200, ok.status(), ok.body());
            assertTrue(ok.body().contains("<DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                + "<requestId>"), ok.body());

            assertError(raw.post("Action=LaunchRockets" + V, ACCESS_KEY, SECRET), 400, "InvalidAction");
            final RawRequests.Reply control = raw.post("Action=s%09at%00x%EF%BF%BF" + V, ACCESS_KEY, SECRET);
            assertError(control, 400, "InvalidAction");
            assertTrue(control.body().contains("The action s\\tat\\u0000x\uFFFD is not valid"), control.body());
            assertError(raw.post("Version=2016-11-15", ACCESS_KEY, SECRET), 400, "MissingAction");
            assertError(raw.post("Action=DescribeVpcs", ACCESS_KEY, SECRET), 400, "MissingParameter");
            assertError(raw.post("Action=DescribeVpcs&Version=2014-01-01", ACCESS_KEY, SECRET), 400, "InvalidParameterValue");
            assertError(raw.post("Action=AttachVolume" + V + "&VolumeId=vol-0123456789abcdef0&Device=/dev/sdf",
                ACCESS_KEY, SECRET), 400, "MissingParameter");
            assertError(raw.post("Action=DescribeInstances" + V + "&InstanceId.1=i-xyz", ACCESS_KEY, SECRET), 400,
                "InvalidInstanceID.Malformed");
            assertError(raw.post("Action=DescribeVolumes" + V + "&VolumeId.1=vol-12", ACCESS_KEY, SECRET), 400,
                "InvalidVolumeID.Malformed");
            assertError(raw.post("Action=RunInstances" + V + "&ImageId=ami-1&MinCount=one&MaxCount=1", ACCESS_KEY, SECRET),
                400, "InvalidParameterValue");
            assertError(raw.post("Action=Describe%ZZVpcs" + V, ACCESS_KEY, SECRET), 404, "MalformedQueryString");
            assertError(raw.post("Action=DescribeVpcs" + V + "&Filter.1.Name=%C3%28", ACCESS_KEY, SECRET), 404,
                "MalformedQueryString");
            assertError(raw.post("Action=DescribeVpcs&Action=DescribeVpcs" + V, ACCESS_KEY, SECRET), 404,
                "MalformedQueryString");
            assertError(raw.post("Action=DescribeVpcs" + V, null, null), 403, "MissingAuthenticationToken");
            final byte[] big = new byte[128 * 1024];
            Arrays.fill(big, (byte)'a');
            assertError(raw.send("POST", big, ACCESS_KEY, SECRET), 413, "RequestEntityTooLarge");
            final RawRequests.Reply get = raw.send("GET", new byte[0], ACCESS_KEY, SECRET);
            assertError(get, 405, "MethodNotAllowed");
            assertError(raw.send("PUT", "Action=DescribeVpcs&Version=2016-11-15".getBytes(StandardCharsets.UTF_8),
                ACCESS_KEY, SECRET), 405, "MethodNotAllowed");
            assertEquals(200, raw.post("Action=DescribeVpcs" + V, ACCESS_KEY, SECRET).status(), "still serving");
        }
    }

    @Test
    void shouldCloseAStalledRequestAndRefuseConnectionsOverTheLimit() throws Exception
    {
        try (Ec2Api api = Ec2Api.start(Ec2Fixture.context().idleTimeoutSeconds(1).maxConnections(2)))
        {
            try (Socket stalled = new Socket("127.0.0.1", api.address().getPort()))
            {
                stalled.setSoTimeout(10_000);
                final OutputStream out = stalled.getOutputStream();
                out.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nAction=".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals(-1, stalled.getInputStream().read(), "closed after the idle timeout, no hang");
            }
            Ec2Fixture.await("the stalled connection to close", () -> api.openConnections() == 0);
            try (Socket a = new Socket("127.0.0.1", api.address().getPort());
                 Socket b = new Socket("127.0.0.1", api.address().getPort()))
            {
                Ec2Fixture.await("two connections", () -> api.openConnections() == 2);
                final Socket c = new Socket("127.0.0.1", api.address().getPort());
                c.setSoTimeout(10_000);
                final InputStream in = c.getInputStream();
                final String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(reply.startsWith("HTTP/1.1 503 Service Unavailable"), reply);
                assertTrue(reply.contains("<Code>RequestLimitExceeded</Code>"), reply);
                assertTrue(a.isConnected() && b.isConnected());
                c.close();
            }
        }
    }

    @Test
    void shouldVerifySignaturesAgainstTheCredentialsFile(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("credentials");
        Files.writeString(file, "[default]\naws_access_key_id = " + ACCESS_KEY + "\naws_secret_access_key = " + SECRET
            + "\n\n[other]\naws_access_key_id=AKIDOTHER\naws_secret_access_key=other-secret\n");
        try (Ec2Api api = Ec2Api.start(Ec2Fixture.context().credentials(Credentials.load(file)));
             Ec2Client good = Ec2Fixture.client(api);
             Ec2Client other = Ec2Fixture.client(api.endpoint(), "AKIDOTHER", "other-secret");
             Ec2Client wrongSecret = Ec2Fixture.client(api.endpoint(), ACCESS_KEY, "not-the-secret");
             Ec2Client unknownKey = Ec2Fixture.client(api.endpoint(), "AKIDUNKNOWN", SECRET))
        {
            assertEquals(1, good.describeVpcs().vpcs().size());
            assertEquals(1, other.describeVpcs().vpcs().size());
            assertEquals("AWS was not able to validate the provided access credentials",
                Ec2Fixture.refused("AuthFailure", 401, wrongSecret::describeVpcs).awsErrorDetails().errorMessage());
            Ec2Fixture.refused("AuthFailure", 401, unknownKey::describeVpcs);
            final RawRequests raw = new RawRequests(api.endpoint());
            assertError(raw.post("Action=DescribeVpcs" + V, ACCESS_KEY, "wrong"), 401, "AuthFailure");
            assertEquals(200, raw.post("Action=DescribeVpcs" + V, ACCESS_KEY, SECRET).status());
        }
        try (Ec2Api open = Ec2Api.start(Ec2Fixture.context());
             Ec2Client anyKey = Ec2Fixture.client(open.endpoint(), "AKIDANYTHING", "anything"))
        {
            assertEquals(1, anyKey.describeVpcs().vpcs().size(), "without credentials any key is accepted");
        }
    }
}
