package io.nitrosim.nic.vpc;

/** An active VPC peering connection ("pcx-..."): traffic may flow between the two VPCs (subject to groups). */
public record PeeringConnection(String id, Vpc requester, Vpc accepter)
{
}
