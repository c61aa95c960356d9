package io.nitrosim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 5: a scenario the hypervisor or the VPC model would refuse fails with exit code 2 and one line that
 * names EC2's error code, as the EC2 API would answer the same request. The scenario validator refuses these before
 * anything is built (with the field's place in the file), naming the code from the same table.
 */
class Ec2ErrorCodesCliTest
{
    @TempDir
    Path dir;

    private String refusal(final String scenario) throws Exception
    {
        final Path file = dir.resolve("s.yaml");
        Files.writeString(file, scenario);
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = NitroSim.execute(new String[] {"run", file.toString(), "--out", dir.resolve("out").toString(),
            "--quiet"}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(2, code, err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
        return err.toString().trim();
    }

    @Test
    void shouldNameInsufficientInstanceCapacityWhenTheHostIsFull() throws Exception
    {
        final String line = refusal("name: full\nduration: 1s\nhosts:\n  - {name: small, memoryGiB: 8}\n"
            + "instances:\n  - {name: a, type: c5.large, count: 2}\n");
        assertTrue(line.endsWith("s.yaml:6:5: instances[0]: InsufficientInstanceCapacity: a-2 (c5.large, 2 vCPUs, "
            + "4 GiB) does not fit on host small: 70 of 72 hardware threads and 2 of 6 GiB guest memory are free "
            + "(instances are never overcommitted; add a host or memoryGiB)"), line);
    }

    @Test
    void shouldNameInsufficientFreeAddressesInSubnetWhenTheSubnetIsFull() throws Exception
    {
        final String line = refusal("name: crowded\nduration: 1s\n"
            + "vpcs:\n  - {name: v, cidr: 10.0.0.0/16, subnets: [{name: tiny, cidr: 10.0.9.0/28}]}\n"
            + "instances:\n  - {name: a, type: c5.large, count: 12, subnet: tiny}\n");
        assertTrue(line.endsWith("s.yaml:6:42: instances[0].subnet: InsufficientFreeAddressesInSubnet: subnet tiny "
            + "(10.0.9.0/28) has 0 free addresses left, this interface needs 1 (the first four and the last address "
            + "of a subnet are reserved)"), line);
    }

    @Test
    void shouldNameSecurityGroupsPerInterfaceLimitExceededForSixGroups() throws Exception
    {
        final StringBuilder groups = new StringBuilder("securityGroups:\n");
        for (int i = 1; i <= 6; i++)
        {
            groups.append("  - {name: g").append(i).append(", vpc: vpc-1}\n");
        }
        final String line = refusal("name: many-groups\nduration: 1s\n" + groups
            + "instances:\n  - {name: a, type: c5.large, securityGroups: [g1, g2, g3, g4, g5, g6]}\n");
        assertTrue(line.endsWith("s.yaml:11:31: instances[0].securityGroups: SecurityGroupsPerInterfaceLimitExceeded: "
            + "6 security groups for one interface, accepted 1..5"), line);
    }
}
