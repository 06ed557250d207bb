import type { PlaybookInput } from './model.js';

/**
 * The playbooks every installation starts with (D3): eight for risk, and onboarding,
 * renewal preparation, expansion and win-back. Admins may edit or archive them like any
 * other; the library only seeds what is missing.
 */
export const LIBRARY: PlaybookInput[] = [
  {
    key: 'low-engagement',
    name: 'Low engagement',
    category: 'risk',
    description: 'The customer has gone quiet: fewer logins, unanswered emails, skipped meetings.',
    steps: [
      {
        title: 'Reach the main contact',
        description:
          'Call or write within two days; try a second channel if the first gets no answer.',
        dueAfterDays: 2,
        priority: 'high',
        email: {
          subject: 'Checking in on {{account.name}}',
          body: 'Hi {{contact.first_name}},\n\nIt has been a while since we last spoke and I wanted to make sure the team is getting what it needs. Do you have 20 minutes this week to catch up on how things are going?\n\nBest,\n{{owner.name}}',
        },
      },
      { title: 'Offer a refresher training session', dueAfterDays: 5 },
      { title: 'Send examples of how similar teams use the product', dueAfterDays: 7 },
      {
        title: 'Re-engage the power users you know',
        description: 'Ask them what changed and who else should be involved.',
        dueAfterDays: 9,
      },
      {
        title: 'Escalate to the executive sponsor if nothing improved',
        description:
          'Two weeks without a reply or a rise in usage: involve your manager and the sponsor.',
        dueAfterDays: 14,
        assignTo: 'manager',
        priority: 'high',
      },
    ],
  },
  {
    key: 'low-adoption',
    name: 'Low adoption',
    category: 'risk',
    description: 'They log in but use only a corner of what they bought.',
    steps: [
      {
        title: 'Find the features they are not using',
        description:
          'Compare usage by feature with what the plan includes and what their goals need.',
        dueAfterDays: 2,
      },
      { title: 'Interview two or three users about what gets in the way', dueAfterDays: 5 },
      { title: 'Run training on the features they skip', dueAfterDays: 10 },
      { title: 'Agree measurable adoption goals with the main contact', dueAfterDays: 12 },
      { title: 'Check adoption weekly until it reaches the yellow tier', dueAfterDays: 21 },
    ],
  },
  {
    key: 'executive-change',
    name: 'Executive change',
    category: 'risk',
    description: 'The sponsor or a key executive left or changed role.',
    steps: [
      { title: 'Ask for an introduction to the new executive', dueAfterDays: 5, priority: 'high' },
      { title: 'Prepare a short summary of the value delivered so far', dueAfterDays: 7 },
      { title: 'Hold a value review with the new executive', dueAfterDays: 14 },
      { title: "Reset success metrics to the new executive's priorities", dueAfterDays: 21 },
      { title: 'Update the relationship map and the success plan', dueAfterDays: 21 },
    ],
  },
  {
    key: 'competitor-evaluation',
    name: 'Competitor evaluation',
    category: 'risk',
    description: 'The customer is looking at an alternative.',
    steps: [
      { title: 'Learn exactly what is driving the evaluation', dueAfterDays: 2, priority: 'high' },
      { title: "Show the value in the customer's own usage numbers", dueAfterDays: 5 },
      {
        title: 'Bring in the executive sponsor for a strategic review',
        dueAfterDays: 7,
        assignTo: 'manager',
      },
      { title: 'Offer a roadmap session on the gaps they raised', dueAfterDays: 10 },
      {
        title: 'Decide whether contract terms need flexibility',
        dueAfterDays: 14,
        assignTo: 'manager',
      },
    ],
  },
  {
    key: 'technical-issues',
    name: 'Technical issues',
    category: 'risk',
    description: 'Bugs, outages or an integration that keeps failing are hurting the account.',
    steps: [
      { title: 'List the open tickets and what each blocks', dueAfterDays: 1, priority: 'high' },
      {
        title: 'Escalate the blocking ones to support and engineering',
        dueAfterDays: 2,
        priority: 'high',
      },
      { title: 'Agree a workaround and share it with the customer', dueAfterDays: 4 },
      { title: 'Hold a joint troubleshooting call', dueAfterDays: 7 },
      { title: 'Confirm the fix with the customer and close the loop', dueAfterDays: 21 },
    ],
  },
  {
    key: 'value-not-realised',
    name: 'Value not realised',
    category: 'risk',
    description: 'The customer does not see a return on what they pay.',
    steps: [
      { title: 'Restate the goals they bought the product for', dueAfterDays: 3 },
      { title: 'Build a return-on-investment summary from their data', dueAfterDays: 7 },
      { title: 'Share case studies from similar customers', dueAfterDays: 7 },
      { title: 'Review value with the executive sponsor', dueAfterDays: 14, assignTo: 'manager' },
      { title: 'Agree the next milestone that proves value', dueAfterDays: 21 },
    ],
  },
  {
    key: 'pricing-concerns',
    name: 'Pricing concerns',
    category: 'risk',
    description: 'Budget cuts or price objections put the renewal at risk.',
    steps: [
      {
        title: 'Understand the budget situation and who decides',
        dueAfterDays: 3,
        priority: 'high',
      },
      { title: 'Show the value delivered per unit of spend', dueAfterDays: 7 },
      { title: 'Review plan, seat and payment options', dueAfterDays: 10, assignTo: 'manager' },
      {
        title: 'Propose an adjusted plan if it keeps the account',
        dueAfterDays: 14,
        assignTo: 'manager',
      },
    ],
  },
  {
    key: 'champion-left',
    name: 'Champion left',
    category: 'risk',
    description: 'The person who championed the product inside the customer has gone.',
    steps: [
      {
        title: 'Find out who takes over their responsibilities',
        dueAfterDays: 2,
        priority: 'high',
      },
      { title: 'Reach the other contacts you know there', dueAfterDays: 3 },
      { title: 'Meet the new owner and walk through the value so far', dueAfterDays: 10 },
      { title: 'Identify and develop a new champion', dueAfterDays: 21 },
      { title: 'Update the contacts and relationship map', dueAfterDays: 21 },
    ],
  },
  {
    key: 'onboarding',
    name: 'Onboarding (8 weeks)',
    category: 'onboarding',
    description: 'From kickoff to handoff: setup, training, first results.',
    steps: [
      {
        title: 'Identify the key contacts and agree success criteria',
        dueAfterDays: 2,
        priority: 'high',
      },
      {
        title: 'Hold the kickoff meeting; confirm goals, milestones and timeline',
        dueAfterDays: 7,
        priority: 'high',
      },
      { title: 'Set the training schedule and communication channels', dueAfterDays: 7 },
      { title: 'Complete the technical setup and integrations', dueAfterDays: 21 },
      { title: 'Train the first users', dueAfterDays: 28 },
      { title: 'Find the power users and start workflow adoption', dueAfterDays: 42 },
      { title: 'Write down the early wins and collect feedback', dueAfterDays: 49 },
      {
        title: 'Hold the onboarding review and hand off',
        description:
          'Baseline the success metrics, set the ongoing cadence and the escalation path.',
        dueAfterDays: 56,
      },
    ],
  },
  {
    key: 'renewal-preparation',
    name: 'Renewal preparation',
    category: 'renewal',
    description: 'Start 90 days before the renewal date.',
    steps: [
      { title: 'Review health, usage and open issues', dueAfterDays: 0 },
      {
        title: 'Send a recap of what they achieved this year',
        dueAfterDays: 15,
        email: {
          subject: 'Your year with us, {{account.name}}',
          body: 'Hi {{contact.first_name}},\n\nAs your renewal comes up, here is a short look back at what your team achieved this year. I would love to hear what you want to accomplish next.\n\nBest,\n{{owner.name}}',
        },
      },
      { title: 'Present the value delivered', dueAfterDays: 30 },
      { title: 'Discuss terms, expansion and multi-year options', dueAfterDays: 45 },
      { title: 'Send the renewal contract', dueAfterDays: 60, priority: 'high' },
      {
        title: 'Follow up; bring in an executive if unsigned',
        dueAfterDays: 76,
        assignTo: 'manager',
        priority: 'high',
      },
    ],
  },
  {
    key: 'expansion',
    name: 'Expansion',
    category: 'expansion',
    description:
      'A healthy account shows room to grow: seats nearly full, new teams, premium interest.',
    steps: [
      { title: 'Check readiness: healthy for 60 days and no critical tickets', dueAfterDays: 2 },
      { title: 'Recap the value delivered before any commercial talk', dueAfterDays: 7 },
      { title: 'Find the team or feature gap the expansion would fill', dueAfterDays: 10 },
      { title: 'Put a number on the impact', dueAfterDays: 14 },
      { title: 'Propose the expansion and agree next steps', dueAfterDays: 21 },
    ],
  },
  {
    key: 'win-back',
    name: 'Win-back',
    category: 'win_back',
    description: 'A customer churned: address the reason and keep the door open.',
    steps: [
      {
        title: 'Write to them about the reason they left',
        dueAfterDays: 7,
        email: {
          subject: 'About what got in the way, {{account.name}}',
          body: 'Hi {{contact.first_name}},\n\nI know things did not work out the way you hoped. I wanted you to know what we have changed since. No pressure: if you ever want another look, I am here.\n\n{{owner.name}}',
        },
      },
      { title: 'Share what improved since they left', dueAfterDays: 30 },
      { title: 'Offer a catch-up when a major release ships', dueAfterDays: 90 },
      { title: 'Annual check-in with a relevant case study', dueAfterDays: 180 },
    ],
  },
];
