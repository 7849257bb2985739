export const TYPE_LABELS: Record<string, string> = {
  assumed_role: 'Assumed role',
  root: 'Root / payer',
  linked: 'Linked',
  cost_explorer: 'Cost Explorer',
};

export const RULE_TITLES: Record<string, string> = {
  idle_instance: 'Idle EC2 instances',
  rightsizing: 'Oversized EC2 instances',
  stopped_instance_volumes: 'Stopped instances still paying for volumes',
  unattached_volume: 'Unattached EBS volumes',
  gp2_to_gp3: 'gp2 volumes to move to gp3',
  unassociated_eip: 'Unassociated Elastic IPs',
  idle_load_balancer: 'Idle load balancers',
  old_snapshot: 'Old EBS snapshots',
  previous_generation: 'Previous-generation instance types',
  savings_plan_commitment: 'Savings Plan commitment',
  low_commitment_utilization: 'Underused commitments',
  azure_stopped_vm: 'Azure VMs stopped but not deallocated',
  azure_idle_vm: 'Idle Azure VMs',
  azure_unattached_disk: 'Unattached Azure managed disks',
  azure_unassociated_public_ip: 'Unassociated Azure public IPs',
};

export const RESOURCE_TYPE_LABELS: Record<string, string> = {
  ec2_instance: 'EC2 instance',
  ebs_volume: 'EBS volume',
  ebs_snapshot: 'EBS snapshot',
  ami: 'AMI',
  elastic_ip: 'Elastic IP',
  load_balancer: 'Load balancer',
  azure_vm: 'Azure VM',
  azure_disk: 'Azure managed disk',
  azure_public_ip: 'Azure public IP',
  azure_load_balancer: 'Azure load balancer',
};
