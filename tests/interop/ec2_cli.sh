#!/bin/sh
# ec2_cli.sh: the EC2 scenario with Debian's AWS CLI: a VPC with a subnet, an attached internet
# gateway and a route to it, security group rules, an instance's lifecycle (stop, attribute
# changes while stopped, start, monitoring), tag filters, CIDR and dependency errors, and
# ClientToken idempotency.
. "$(dirname "$0")/lib.sh"

start_localcloud --memory

ec2() {
	lc ec2 "$@"
}
# text ARGS...: an ec2 command's --query result as text.
text() {
	ec2 "$@" --output text
}

# A VPC with its main route table and default security group.
vpc=$(text create-vpc --cidr-block 10.0.0.0/16 --query Vpc.VpcId \
	--tag-specifications 'ResourceType=vpc,Tags=[{Key=Name,Value=net},{Key=team,Value=core}]')
case $vpc in
vpc-[0-9a-f]*) [ ${#vpc} -eq 21 ] || fail "VPC id $vpc" ;;
*) fail "VPC id $vpc" ;;
esac
expect_eq "$(text describe-vpcs --vpc-ids "$vpc" --query 'Vpcs[0].[CidrBlock,State]')" \
	"10.0.0.0/16	available" "VPC"
expect_eq "$(text describe-vpcs --filters Name=tag:team,Values=co* --query 'Vpcs[].VpcId')" \
	"$vpc" "VPC by tag wildcard"
expect_eq "$(text describe-vpcs --filters Name=tag:team,Values=other --query 'length(Vpcs)')" \
	"0" "VPC by another tag"
main_rtb=$(text describe-route-tables --filters "Name=vpc-id,Values=$vpc" \
	Name=association.main,Values=true --query 'RouteTables[0].RouteTableId')
expect_eq "$(text describe-route-tables --route-table-ids "$main_rtb" \
	--query 'RouteTables[0].Routes[0].[DestinationCidrBlock,GatewayId,State]')" \
	"10.0.0.0/16	local	active" "local route"
default_sg=$(text describe-security-groups --filters "Name=vpc-id,Values=$vpc" \
	Name=group-name,Values=default --query 'SecurityGroups[0].GroupId')
expect_eq "$(text describe-security-groups --group-ids "$default_sg" \
	--query 'SecurityGroups[0].IpPermissionsEgress[0].IpRanges[0].CidrIp')" "0.0.0.0/0" \
	"default egress rule"
ec2 modify-vpc-attribute --vpc-id "$vpc" --enable-dns-hostnames '{"Value":true}'
expect_eq "$(text describe-vpc-attribute --vpc-id "$vpc" --attribute enableDnsHostnames \
	--query EnableDnsHostnames.Value)" "True" "DNS hostnames"

# CIDR rules.
expect_error InvalidVpc.Range ec2 create-vpc --cidr-block 10.0.0.0/8
expect_error InvalidVpc.Range ec2 create-vpc --cidr-block 10.0.0.0/29
expect_error InvalidParameterValue ec2 create-vpc --cidr-block 10.0.0.300/16
subnet=$(text create-subnet --vpc-id "$vpc" --cidr-block 10.0.1.0/24 \
	--availability-zone us-east-1b --query Subnet.SubnetId)
expect_eq "$(text describe-subnets --subnet-ids "$subnet" \
	--query 'Subnets[0].[AvailabilityZone,AvailableIpAddressCount]')" "us-east-1b	251" \
	"subnet zone and free addresses"
expect_error InvalidSubnet.Conflict ec2 create-subnet --vpc-id "$vpc" --cidr-block 10.0.1.128/25
expect_error InvalidSubnet.Conflict ec2 create-subnet --vpc-id "$vpc" --cidr-block 10.0.0.0/20
expect_error InvalidSubnet.Range ec2 create-subnet --vpc-id "$vpc" --cidr-block 10.1.0.0/24
expect_error InvalidSubnet.Range ec2 create-subnet --vpc-id "$vpc" --cidr-block 10.0.2.0/29
expect_error InvalidVpcID.NotFound ec2 create-subnet --vpc-id vpc-0123456789abcdef0 \
	--cidr-block 10.0.1.0/24
expect_error InvalidVpcID.Malformed ec2 describe-vpcs --vpc-ids vpc-xyz
ec2 modify-subnet-attribute --subnet-id "$subnet" --map-public-ip-on-launch
expect_eq "$(text describe-subnets --filters Name=map-public-ip-on-launch,Values=true \
	--query 'Subnets[].SubnetId')" "$subnet" "subnet attribute"

# An internet gateway, attached, with a default route to it through a subnet's own table.
igw=$(text create-internet-gateway --query InternetGateway.InternetGatewayId)
ec2 attach-internet-gateway --internet-gateway-id "$igw" --vpc-id "$vpc"
expect_error Resource.AlreadyAssociated ec2 attach-internet-gateway --internet-gateway-id "$igw" \
	--vpc-id "$vpc"
expect_eq "$(text describe-internet-gateways --filters "Name=attachment.vpc-id,Values=$vpc" \
	--query 'InternetGateways[0].Attachments[0].State')" "available" "attachment"
rtb=$(text create-route-table --vpc-id "$vpc" --query RouteTable.RouteTableId)
ec2 create-route --route-table-id "$rtb" --destination-cidr-block 0.0.0.0/0 --gateway-id "$igw" \
	>/dev/null
expect_error RouteAlreadyExists ec2 create-route --route-table-id "$rtb" \
	--destination-cidr-block 0.0.0.0/0 --gateway-id "$igw"
assoc=$(text associate-route-table --route-table-id "$rtb" --subnet-id "$subnet" \
	--query AssociationId)
expect_eq "$(text describe-route-tables --filters "Name=association.subnet-id,Values=$subnet" \
	--query 'RouteTables[0].Routes[?GatewayId==`'"$igw"'`].State')" "active" "route to the gateway"
expect_error DependencyViolation ec2 delete-route-table --route-table-id "$rtb"
expect_error DependencyViolation ec2 delete-internet-gateway --internet-gateway-id "$igw"

# Security group rules.
sg=$(text create-security-group --group-name web --description "web servers" --vpc-id "$vpc" \
	--query GroupId)
expect_error InvalidGroup.Duplicate ec2 create-security-group --group-name web \
	--description again --vpc-id "$vpc"
ec2 authorize-security-group-ingress --group-id "$sg" --protocol tcp --port 443 \
	--cidr 0.0.0.0/0 >/dev/null
ec2 authorize-security-group-ingress --group-id "$sg" --ip-permissions \
	"IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=10.0.0.0/8,Description=admin}]" \
	"IpProtocol=tcp,FromPort=8080,ToPort=8080,UserIdGroupPairs=[{GroupId=$default_sg}]" >/dev/null
expect_error InvalidPermission.Duplicate ec2 authorize-security-group-ingress --group-id "$sg" \
	--protocol tcp --port 443 --cidr 0.0.0.0/0
expect_eq "$(text describe-security-groups --group-ids "$sg" --query \
	'SecurityGroups[0].IpPermissions[?FromPort==`22`].IpRanges[0].[CidrIp,Description]')" \
	"10.0.0.0/8	admin" "rule with a description"
expect_eq "$(text describe-security-groups --filters Name=ip-permission.from-port,Values=8080 \
	--query 'SecurityGroups[].GroupId')" "$sg" "group by rule port"
ec2 revoke-security-group-ingress --group-id "$sg" --protocol tcp --port 443 --cidr 0.0.0.0/0 \
	>/dev/null
expect_error InvalidPermission.NotFound ec2 revoke-security-group-ingress --group-id "$sg" \
	--protocol tcp --port 443 --cidr 0.0.0.0/0
ec2 revoke-security-group-egress --group-id "$sg" --ip-permissions \
	'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]' >/dev/null
expect_eq "$(text describe-security-groups --group-ids "$sg" \
	--query 'length(SecurityGroups[0].IpPermissionsEgress)')" "0" "egress revoked"
expect_error CannotDelete ec2 delete-security-group --group-id "$default_sg"
db=$(text create-security-group --group-name db --description "database" --vpc-id "$vpc" \
	--query GroupId)
ec2 authorize-security-group-ingress --group-id "$db" --protocol tcp --port 5432 \
	--source-group "$sg" >/dev/null
expect_error DependencyViolation ec2 delete-security-group --group-id "$sg"

# An instance: pending, then running; ClientToken makes the launch idempotent.
ami=$(text describe-images --owners amazon --filters Name=architecture,Values=x86_64 \
	--query 'Images[0].ImageId')
set -- ec2 run-instances --image-id "$ami" --instance-type t3.micro --subnet-id "$subnet" \
	--security-group-ids "$sg" --client-token tok-1 \
	--tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=web1}]'
"$@" --count 1 >"$tmp/run1"
"$@" --count 1 >"$tmp/run2"
/usr/bin/python3 - "$tmp/run1" "$tmp/run2" <<'PY' || fail "idempotent launch"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
i = a["Instances"][0]
assert a["ReservationId"] == b["ReservationId"], (a, b)
assert [x["InstanceId"] for x in b["Instances"]] == [i["InstanceId"]], b
assert i["State"]["Name"] == "pending" and i["PrivateIpAddress"] == "10.0.1.4", i
assert i["Tags"] == [{"Key": "Name", "Value": "web1"}] and i["ClientToken"] == "tok-1", i
PY
expect_error IdempotentParameterMismatch "$@" --count 2
inst=$(grep -o '"InstanceId": "i-[0-9a-f]*"' "$tmp/run1" | cut -d'"' -f4)
sleep 1.2
expect_eq "$(text describe-instances --filters Name=tag:Name,Values=web1 \
	--query 'Reservations[].Instances[].[InstanceId,State.Name]')" "$inst	running" "running"
expect_eq "$(text describe-subnets --subnet-ids "$subnet" \
	--query 'Subnets[0].AvailableIpAddressCount')" "250" "address taken"
expect_error DependencyViolation ec2 delete-subnet --subnet-id "$subnet"
# Stop, change the type, EBS optimization and user data while stopped, start again.
expect_eq "$(text describe-instance-attribute --instance-id "$inst" --attribute instanceType \
	--query InstanceType.Value)" "t3.micro" "type attribute"
expect_error IncorrectInstanceState ec2 modify-instance-attribute --instance-id "$inst" \
	--instance-type t3.large
expect_error IncorrectInstanceState ec2 modify-instance-attribute --instance-id "$inst" \
	--ebs-optimized
expect_eq "$(text stop-instances --instance-ids "$inst" \
	--query 'StoppingInstances[0].[PreviousState.Name,CurrentState.Name]')" \
	"running	stopping" "stopping"
# (Starting it while it stops is IncorrectInstanceState: check_lc_ec2 tests that on its fake
# clock; here each aws call may take longer than the stop.)
sleep 1.2
expect_eq "$(text describe-instances --instance-ids "$inst" \
	--query 'Reservations[0].Instances[0].[State.Name,StateReason.Code]')" \
	"stopped	Client.UserInitiatedShutdown" "stopped"
ec2 modify-instance-attribute --instance-id "$inst" --instance-type t3.large
ec2 modify-instance-attribute --instance-id "$inst" --ebs-optimized
hi=$(printf echo-hi | base64)
ec2 modify-instance-attribute --instance-id "$inst" --user-data "Value=$hi"
expect_eq "$(text describe-instance-attribute --instance-id "$inst" --attribute userData \
	--query UserData.Value)" "$hi" "user data attribute"
expect_eq "$(text describe-instance-attribute --instance-id "$inst" --attribute ebsOptimized \
	--query EbsOptimized.Value)" "True" "EBS optimization attribute"
expect_eq "$(text describe-instance-attribute --instance-id "$inst" \
	--attribute instanceInitiatedShutdownBehavior \
	--query InstanceInitiatedShutdownBehavior.Value)" "stop" "shutdown behavior attribute"
expect_eq "$(text start-instances --instance-ids "$inst" \
	--query 'StartingInstances[0].[PreviousState.Name,CurrentState.Name]')" \
	"stopped	pending" "starting"
sleep 1.2
expect_eq "$(text describe-instances --instance-ids "$inst" \
	--query 'Reservations[0].Instances[0].[State.Name,InstanceType,EbsOptimized]')" \
	"running	t3.large	True" "running with the new type"
# Detailed monitoring: pending, then enabled; disabling, then disabled.
expect_eq "$(text monitor-instances --instance-ids "$inst" \
	--query 'InstanceMonitorings[0].Monitoring.State')" "pending" "monitoring pending"
sleep 1.2
expect_eq "$(text describe-instances --instance-ids "$inst" \
	--query 'Reservations[0].Instances[0].Monitoring.State')" "enabled" "monitoring enabled"
expect_eq "$(text unmonitor-instances --instance-ids "$inst" \
	--query 'InstanceMonitorings[0].Monitoring.State')" "disabling" "monitoring disabling"
ec2 modify-instance-attribute --instance-id "$inst" --disable-api-termination
expect_eq "$(text describe-instance-attribute --instance-id "$inst" \
	--attribute disableApiTermination --query DisableApiTermination.Value)" "True" \
	"termination protection attribute"
expect_error OperationNotPermitted ec2 terminate-instances --instance-ids "$inst"
ec2 modify-instance-attribute --instance-id "$inst" --no-disable-api-termination
expect_eq "$(text terminate-instances --instance-ids "$inst" \
	--query 'TerminatingInstances[0].[PreviousState.Name,CurrentState.Name]')" \
	"running	shutting-down" "terminating"
sleep 1.2
expect_eq "$(text describe-instances --instance-ids "$inst" \
	--query 'Reservations[0].Instances[0].State.Name')" "terminated" "terminated, still listed"

# Dependencies, then everything deleted in order.
expect_error DependencyViolation ec2 delete-vpc --vpc-id "$vpc"
ec2 disassociate-route-table --association-id "$assoc"
ec2 delete-route-table --route-table-id "$rtb"
ec2 detach-internet-gateway --internet-gateway-id "$igw" --vpc-id "$vpc"
expect_error Gateway.NotAttached ec2 detach-internet-gateway --internet-gateway-id "$igw" \
	--vpc-id "$vpc"
ec2 delete-internet-gateway --internet-gateway-id "$igw"
ec2 delete-security-group --group-id "$db"
ec2 delete-security-group --group-id "$sg"
ec2 delete-subnet --subnet-id "$subnet"
ec2 delete-vpc --vpc-id "$vpc"
expect_error InvalidVpcID.NotFound ec2 describe-vpcs --vpc-ids "$vpc"
expect_eq "$(text describe-security-groups --query 'length(SecurityGroups)')" "0" \
	"default group gone with the VPC"
echo "ec2_cli: ok"
