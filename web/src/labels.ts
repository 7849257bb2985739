export const TYPE_LABELS: Record<string, string> = {
  assumed_role: 'Assumed role',
  root: 'Root / payer',
  linked: 'Linked',
  cost_explorer: 'Cost Explorer',
};
