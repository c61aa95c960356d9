package io.nitrosim.ec2api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.junit.jupiter.api.AfterAll;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.nitrosim.control.Ec2Error;
import io.nitrosim.ec2api.http.SigV4;
import io.nitrosim.ec2api.service.Ec2Service;

/**
 * Fuzzes the EC2 Query endpoint as a hostile client would: one real {@link Ec2Api} (its Netty HTTP pipeline, SigV4
 * parsing, form decoding, the actions and a real one-host region) on 127.0.0.1, sent raw HTTP/1.1 requests over
 * one kept-alive socket. A request is built from the input: a method (POST mostly), a path with or without a query
 * string, an Authorization header (well formed mostly; the endpoint runs without keys, so any key is accepted but
 * the header must parse), and a form body of an Action (served ones, or any), a Version and parameters from EC2's
 * vocabulary (Filter.N.Name/Value.M, MaxResults/NextToken, BlockDeviceMapping.N..., TagSpecification.N...,
 * InstanceId.N, ...) with indexes small, huge or not numbers, values that are ids seen in earlier responses, numbers
 * at and past their limits or any text, percent-encoded or not (bad escapes, non-UTF-8 bytes, duplicate keys,
 * empty names), or the body is any bytes.
 * <p>
 * Invariants: every request gets exactly one HTTP response within the time limit; it is either a 200 whose body is
 * the action's response in the 2016-11-15 namespace, or an error response whose code is in {@link Ec2Error} with
 * the HTTP status the table gives; never InternalError or ServiceUnavailable (an internal failure or a stall);
 * nothing escapes as a stack trace. The region is replaced every {@value #INPUTS_PER_REGION} inputs so that what
 * inputs create stays small. Regression inputs: {@code Ec2QueryFuzzTestInputs} in the test resources;
 * {@code -Pfuzz} fuzzes.
 */
class Ec2QueryFuzzTest
{
    static final int INPUTS_PER_REGION = 400;
    static final int MAX_BODY_BYTES = 16 * 1024;
    static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
    static final Pattern ID = Pattern.compile("\\b(?:i|vol|eni|eni-attach|sg|subnet|vpc)-[0-9a-f]{8,17}\\b");
    static final String[] KNOWN_KEYS = {"AttachmentId", "AvailabilityZone", "CidrBlock", "Description", "Device",
        "DeviceIndex", "DryRun", "GroupDescription", "GroupId", "GroupName", "ImageId", "IncludeAllInstances",
        "InstanceId", "InstanceType", "Iops", "KeyName", "MaxCount", "MaxResults", "MinCount", "NetworkInterfaceId",
        "NextToken", "PrivateIpAddress", "SecondaryPrivateIpAddressCount", "Size", "SnapshotId", "SubnetId",
        "Throughput", "VolumeId", "VolumeType", "VpcId", "Force"};
    static final String[] LISTS = {"InstanceId", "VolumeId", "GroupId", "SecurityGroupId", "SubnetId", "VpcId",
        "NetworkInterfaceId", "ResourceId", "InstanceType", "PrivateIpAddresses", "SecurityGroup", "GroupName"};
    static final String[] STRUCTURES = {"Filter", "BlockDeviceMapping", "TagSpecification", "Tag", "IpPermissions",
        "PrivateIpAddresses", "NetworkInterface"};
    static final String[] MEMBERS = {"Name", "Value.1", "Value.2", "Value.999999", "Key", "DeviceName",
        "Ebs.VolumeSize", "Ebs.VolumeType", "Ebs.Iops", "Ebs.Throughput", "Ebs.DeleteOnTermination", "Ebs.SnapshotId",
        "NoDevice", "VirtualName", "ResourceType", "Tag.1.Key", "Tag.1.Value", "Tag.2.Key", "IpProtocol", "FromPort",
        "ToPort", "IpRanges.1.CidrIp", "Groups.1.GroupId", "PrivateIpAddress", "Primary", "DeviceIndex", "SubnetId"};
    static final String[] INDEXES = {"1", "2", "3", "0", "-1", "01", "999999", "1000000", "999999999", "2147483647",
        "2147483648", "99999999999999999999", "1e3", "", "a", "1.1", " 1"};
    static final String[] VALUES = {"", "1", "0", "-1", "100", "1000", "16384", "16385", "65536", "2147483647",
        "2147483648", "-2147483649", "9223372036854775807", "1e9", "true", "false", "TRUE", "c5.large", "c5.18xlarge",
        "m5.large", "gp2", "gp3", "io1", "io2", "st1", "standard", "/dev/sdf", "/dev/sda1", "/dev/xvdz", "sdf",
        "ami-0123456789abcdef0", "us-east-1a", "us-east-1z", "10.0.0.0/16", "10.0.1.0/24", "10.0.0.0/8", "0.0.0.0/0",
        "10.0.0.0/33", "tcp", "-1", "instance", "volume", "network-interface", "instance-state-name", "running",
        "vpc-id", "tag:Name", "tag-key", "*", "?", "i-0123456789abcdef0", "vol-0123456789abcdef0", "i-xyz", "vol-12",
        "eni-", "sg-", "subnet-00000000", "vpc-ffffffffffffffff", "\u00e9", "\u0000", "a\nb", "<x>&amp;"};

    private static Bed bed;

    @AfterAll
    static void closeBed()
    {
        if (bed != null)
        {
            bed.close();
            bed = null;
        }
    }

    @FuzzTest(maxDuration = "10m")
    void shouldAnswerEveryRequestWithOneEc2Response(final FuzzedDataProvider data) throws IOException
    {
        if (bed == null || bed.inputs++ >= INPUTS_PER_REGION)
        {
            closeBed();
            bed = new Bed();
        }
        final byte[] request = new Request(data, bed).build();
        final int port = bed.api.address().getPort();
        // The harness's own socket to the endpoint is the only connection expected (Jazzer's SSRF detector).
        final SilentCloseable allowed = BugDetectors.allowNetworkConnections((host, p) -> p == port
            && (host.equals("localhost") || host.equals("127.0.0.1")));
        try
        {
            bed.check(request, bed.exchange(request));
        }
        finally
        {
            allowed.close();
        }
    }

    /** One region and its endpoint, one client socket, and the ids responses have named. */
    static final class Bed implements AutoCloseable
    {
        final Ec2Api api;
        final List<String> actions;
        final List<String> ids = new ArrayList<>();
        final Map<String, Integer> statusOf = new HashMap<>();
        int inputs;
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Bed()
        {
            try
            {
                api = Ec2Api.start(Ec2Fixture.context().maxBodyBytes(MAX_BODY_BYTES).requestTimeoutMs(10_000));
                actions = new ArrayList<>(api.service().actionNames());
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
            for (final Ec2Error e : Ec2Error.values())
            {
                statusOf.put(e.code(), e.httpStatus());
            }
        }

        @Override
        public void close()
        {
            closeSocket();
            api.close();
        }

        private void closeSocket()
        {
            if (socket != null)
            {
                try
                {
                    socket.close();
                }
                catch (final IOException ignored)
                {
                    // gone anyway
                }
                socket = null;
            }
        }

        /** Sends one request and reads exactly one response (the server may close after it). */
        Response exchange(final byte[] request) throws IOException
        {
            if (socket == null)
            {
                socket = new Socket();
                socket.connect(api.address(), 10_000);
                socket.setSoTimeout(20_000);
                socket.setTcpNoDelay(true);
                in = socket.getInputStream();
                out = socket.getOutputStream();
            }
            out.write(request);
            out.flush();
            try
            {
                final Response r = Response.read(in);
                if (r == null)
                {
                    fail("the connection closed without a response to " + printable(request));
                }
                if (r.close())
                {
                    closeSocket();
                }
                return r;
            }
            catch (final SocketTimeoutException ex)
            {
                closeSocket();
                throw new AssertionError("no response within 20 s to " + printable(request), ex);
            }
        }

        void check(final byte[] request, final Response r)
        {
            final String what = r.status() + " " + r.body() + "\nfor " + printable(request);
            assertWellFormed(r.body(), what);
            assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), () -> "a stack trace: " + what);
            if (r.status() == 200)
            {
                assertTrue(r.body().matches("(?s)<\\?xml version=\"1.0\" encoding=\"UTF-8\"\\?>\n<[A-Za-z]+Response xmlns=\""
                    + Pattern.quote(Ec2Service.NAMESPACE) + "\"><requestId>.*"), () -> "a success: " + what);
                final Matcher m = ID.matcher(r.body());
                while (m.find() && ids.size() < 64)
                {
                    if (!ids.contains(m.group()))
                    {
                        ids.add(m.group());
                    }
                }
                return;
            }
            final Matcher m = CODE.matcher(r.body());
            assertTrue(m.find(), () -> "an error names its code: " + what);
            final String code = m.group(1);
            final Integer status = statusOf.get(code);
            assertTrue(status != null, () -> "an EC2 error code from the table: " + what);
            assertEquals(status, r.status(), () -> "the table's status for " + code + ": " + what);
            assertNotEquals(Ec2Error.INTERNAL_ERROR.code(), code, () -> "no internal error: " + what);
            assertNotEquals(Ec2Error.SERVICE_UNAVAILABLE.code(), code, () -> "no stall: " + what);
        }
    }

    private static final DocumentBuilderFactory XML = DocumentBuilderFactory.newInstance();

    static
    {
        try
        {
            XML.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        }
        catch (final ParserConfigurationException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** Every body is a well-formed XML 1.0 document (what an SDK's parser needs). */
    static void assertWellFormed(final String body, final String what)
    {
        try
        {
            XML.newDocumentBuilder().parse(new InputSource(new StringReader(body)));
        }
        catch (final SAXException | IOException | ParserConfigurationException ex)
        {
            fail("not well-formed XML (" + ex.getMessage() + "): " + what);
        }
    }

    /** One HTTP/1.1 response: status, body, and whether the server closes after it. */
    record Response(int status, String body, boolean close)
    {
        static Response read(final InputStream in) throws IOException
        {
            final String head = readHead(in);
            if (head == null)
            {
                return null;
            }
            final String[] lines = head.split("\r\n");
            assertTrue(lines[0].startsWith("HTTP/1.1 "), () -> "a status line: " + head);
            final int status = Integer.parseInt(lines[0].substring(9, 12));
            int length = -1;
            boolean close = false;
            for (int i = 1; i < lines.length; i++)
            {
                final int colon = lines[i].indexOf(':');
                final String name = lines[i].substring(0, colon).trim().toLowerCase();
                final String value = lines[i].substring(colon + 1).trim();
                if (name.equals("content-length"))
                {
                    length = Integer.parseInt(value);
                }
                else if (name.equals("connection"))
                {
                    close = value.equalsIgnoreCase("close");
                }
            }
            assertTrue(length >= 0, () -> "a Content-Length: " + head);
            final byte[] body = in.readNBytes(length);
            assertEquals(length, body.length, "the whole body");
            return new Response(status, new String(body, StandardCharsets.UTF_8), close);
        }

        private static String readHead(final InputStream in) throws IOException
        {
            final ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4)
            {
                final int b = in.read();
                if (b < 0)
                {
                    return null;
                }
                head.write(b);
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
                assertTrue(head.size() < 16 * 1024, "a response head under 16 KiB");
            }
            return head.toString(StandardCharsets.ISO_8859_1).trim();
        }
    }

    /** Builds one request's bytes from the input. */
    static final class Request
    {
        private final FuzzedDataProvider data;
        private final Bed bed;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        Request(final FuzzedDataProvider data, final Bed bed)
        {
            this.data = data;
            this.bed = bed;
        }

        byte[] build()
        {
            final String method = data.consumeInt(0, 15) == 0 ? data.pickValue(new String[] {"GET", "PUT", "DELETE",
                "OPTIONS", "PATCH"}) : "POST";
            final boolean query = data.consumeInt(0, 7) == 0;
            final ByteArrayOutputStream queryString = new ByteArrayOutputStream();
            if (data.consumeInt(0, 7) == 0)
            {
                body.writeBytes(data.consumeBytes(data.consumeInt(0, 2048)));
            }
            else
            {
                form();
            }
            if (query)
            {
                queryString.writeBytes(body.toByteArray());
                if (data.consumeBoolean())
                {
                    body.reset();
                }
            }
            final ByteArrayOutputStream http = new ByteArrayOutputStream();
            http.writeBytes((method + " /" + (query ? "?" : "")).getBytes(StandardCharsets.ISO_8859_1));
            http.writeBytes(sanitizeTarget(queryString.toByteArray()));
            http.writeBytes(" HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
            http.writeBytes("Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
            final String date = SigV4.amzDate(Instant.now());
            switch (data.consumeInt(0, 9))
            {
                case 0:
                    break; // unsigned
                case 1:
                    header(http, "Authorization", data.consumeString(200));
                    header(http, "X-Amz-Date", date);
                    break;
                case 2:
                    header(http, "Authorization", authorization(date));
                    header(http, "X-Amz-Date", data.consumeString(20));
                    break;
                default:
                    header(http, "Authorization", authorization(date));
                    header(http, "X-Amz-Date", date);
                    break;
            }
            final byte[] payload = body.toByteArray();
            header(http, "Content-Length", Integer.toString(payload.length));
            http.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            http.writeBytes(payload);
            return http.toByteArray();
        }

        private static String authorization(final String date)
        {
            return SigV4.ALGORITHM + " Credential=AKIDFUZZ/" + date.substring(0, 8)
                + "/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature="
                + "0".repeat(64);
        }

        private static void header(final ByteArrayOutputStream http, final String name, final String value)
        {
            final StringBuilder v = new StringBuilder();
            for (final char c : value.toCharArray())
            {
                v.append(c < 0x20 || c > 0x7e ? '?' : c); // a header line stays one line
            }
            http.writeBytes((name + ": " + v + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }

        /** A request target cannot hold spaces or line ends (the HTTP parser would see another request line). */
        private static byte[] sanitizeTarget(final byte[] target)
        {
            final byte[] t = target.clone();
            for (int i = 0; i < t.length; i++)
            {
                if (t[i] <= 0x20 || t[i] == 0x7f)
                {
                    t[i] = '+';
                }
            }
            return t;
        }

        private void form()
        {
            if (data.consumeInt(0, 15) != 0)
            {
                pair("Action", data.consumeInt(0, 7) == 0 ? data.consumeString(30) : data.pickValue(bed.actions));
            }
            if (data.consumeInt(0, 15) != 0)
            {
                pair("Version", data.consumeInt(0, 7) == 0 ? data.consumeString(12) : Ec2Service.VERSION);
            }
            final int params = data.consumeInt(0, 24);
            for (int i = 0; i < params && data.remainingBytes() > 0; i++)
            {
                parameter();
            }
        }

        private void parameter()
        {
            switch (data.consumeInt(0, 9))
            {
                case 0:
                case 1:
                    pair(data.pickValue(KNOWN_KEYS), value());
                    break;
                case 2:
                case 3:
                    pair(data.pickValue(LISTS) + "." + index(), value());
                    break;
                case 4:
                case 5:
                case 6:
                    pair(data.pickValue(STRUCTURES) + "." + index() + "." + data.pickValue(MEMBERS), value());
                    break;
                case 7: // raw bytes, bad escapes, non-UTF-8 and all
                    separator();
                    body.writeBytes(data.consumeBytes(data.consumeInt(0, 64)));
                    break;
                case 8: // a pair given again, or one without name or value
                    pair(data.pickValue(new String[] {"Action", "Version", "MaxResults", "Filter.1.Name", "", "="}),
                        value());
                    break;
                default:
                    pair(data.consumeString(40), data.consumeString(40));
                    break;
            }
        }

        private String index()
        {
            return data.consumeBoolean() ? data.pickValue(INDEXES) : Integer.toString(data.consumeInt());
        }

        private String value()
        {
            switch (data.consumeInt(0, 5))
            {
                case 0:
                    return bed.ids.isEmpty() ? "" : data.pickValue(bed.ids);
                case 1:
                    return data.consumeString(64);
                case 2:
                    return Long.toString(data.consumeLong());
                default:
                    return data.pickValue(VALUES);
            }
        }

        private void separator()
        {
            if (body.size() > 0)
            {
                body.write('&');
            }
        }

        private void pair(final String name, final String value)
        {
            separator();
            final boolean raw = data.consumeInt(0, 15) == 0;
            body.writeBytes(raw ? name.getBytes(StandardCharsets.UTF_8) : encode(name));
            body.write('=');
            body.writeBytes(raw ? value.getBytes(StandardCharsets.UTF_8) : encode(value));
        }

        /** RFC 3986 unreserved characters stay, every other UTF-8 byte is %XX (what AWS SDKs send). */
        private static byte[] encode(final String s)
        {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (final byte b : s.getBytes(StandardCharsets.UTF_8))
            {
                final int c = b & 0xFF;
                if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == '~')
                {
                    out.write(c);
                }
                else
                {
                    out.writeBytes(String.format("%%%02X", c).getBytes(StandardCharsets.ISO_8859_1));
                }
            }
            return out.toByteArray();
        }
    }

    static String printable(final byte[] request)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(request.length, 600); i++)
        {
            final int c = request[i] & 0xFF;
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf((char)c) : c == '\n' ? "\\n" : c == '\r' ? "\\r"
                : String.format("\\x%02x", c));
        }
        return sb.toString();
    }
}
