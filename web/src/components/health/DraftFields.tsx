import {
  Accordion,
  ActionIcon,
  Badge,
  Button,
  Fieldset,
  Group,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import {
  addDimension,
  bandRange,
  numOf,
  renameDimension,
  problemsUnder,
  TIER_COLORS,
  type Draft,
  type DraftMeasure,
  type MeasureId,
  type MeasureInfo,
  type Problem,
  type TierColor,
} from '../../lib/models';

/** Change the draft in place on a copy (the form is small enough to copy on every keystroke). */
export type Edit = (change: (d: Draft) => void) => void;

interface Common {
  draft: Draft;
  edit: Edit;
  /** The messages at a path, joined; undefined when there are none. */
  errorAt: (path: string) => string | undefined;
  problems: Problem[];
}

function BandsTable({
  at,
  m,
  label,
  edit,
  errorAt,
  path,
}: {
  at: [number, number];
  m: DraftMeasure;
  label: string;
  path: string;
} & Pick<Common, 'edit' | 'errorAt'>) {
  const [i, j] = at;
  const setBand = (k: number, field: 'min' | 'max' | 'score', v: number | string) =>
    edit((d) => {
      d.dimensions[i]!.measures[j]!.bands[k]![field] = numOf(v);
    });
  return (
    <div style={{ overflowX: 'auto' }}>
      <Table verticalSpacing={4} miw={380}>
        <Table.Caption>
          Bands of {label}: from (inclusive) and below (exclusive); leave empty for no bound
        </Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>From</Table.Th>
            <Table.Th>Below</Table.Th>
            <Table.Th>Score (0–10)</Table.Th>
            <Table.Th>
              <VisuallyHidden>Remove</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {m.bands.map((b, k) => (
            <Table.Tr key={k}>
              {(['min', 'max', 'score'] as const).map((f) => (
                <Table.Td key={f} style={{ verticalAlign: 'top' }}>
                  <NumberInput
                    aria-label={`${label} band ${k + 1} ${f === 'min' ? 'from' : f === 'max' ? 'below' : 'score'}`}
                    placeholder={
                      f === 'min' ? 'no lower bound' : f === 'max' ? 'no upper bound' : ''
                    }
                    value={b[f] ?? ''}
                    onChange={(v) => setBand(k, f, v)}
                    error={errorAt(`${path}.bands[${k}].${f}`)}
                    min={f === 'score' ? 0 : undefined}
                    max={f === 'score' ? 10 : undefined}
                    size="xs"
                    w={f === 'score' ? 90 : 120}
                  />
                </Table.Td>
              ))}
              <Table.Td style={{ verticalAlign: 'top' }}>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Remove ${label} band ${k + 1}`}
                  onClick={() => edit((d) => void d.dimensions[i]!.measures[j]!.bands.splice(k, 1))}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {errorAt(`${path}.bands`) && (
        <Text size="xs" c="red" mt={4}>
          {errorAt(`${path}.bands`)}
        </Text>
      )}
      <Button
        mt="xs"
        size="xs"
        variant="light"
        leftSection={<IconPlus size={14} />}
        onClick={() =>
          edit((d) => {
            const bands = d.dimensions[i]!.measures[j]!.bands;
            const top = bands.reduce<number | null>((t, x) => x.max ?? t, null);
            bands.push({ min: top, max: null, score: 10 });
          })
        }
      >
        Add a band
      </Button>
    </div>
  );
}

/** Each dimension: its name and weight, and its measures with their weights and bands. */
export function DimensionFields({
  draft,
  edit,
  errorAt,
  problems,
  measures,
}: Common & { measures: MeasureInfo[] }) {
  const labelOf = (id: string) => measures.find((m) => m.id === id)?.label ?? id;
  const used = new Set(draft.dimensions.flatMap((d) => d.measures.map((m) => m.measure)));
  const unused = measures.filter((m) => !used.has(m.id));
  return (
    <Stack gap="md">
      {draft.dimensions.map((d, i) => {
        const name = d.name || `Dimension ${i + 1}`;
        return (
          <Fieldset key={d.fresh ?? d.key} legend={name} radius="md">
            <Group gap="sm" align="flex-start" wrap="wrap">
              <TextInput
                label="Name"
                value={d.name}
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  edit((x) => renameDimension(x, i, v));
                }}
                error={errorAt(`dimensions[${i}].name`) ?? errorAt(`dimensions[${i}].key`)}
                w={{ base: '100%', xs: 220 }}
              />
              <NumberInput
                label={`${name} weight (%)`}
                value={d.weight ?? ''}
                onChange={(v) => edit((x) => void (x.dimensions[i]!.weight = numOf(v)))}
                error={errorAt(`dimensions[${i}].weight`)}
                min={0}
                max={100}
                w={{ base: '100%', xs: 180 }}
              />
              <Button
                variant="subtle"
                color="red"
                size="xs"
                mt={{ base: 0, xs: 26 }}
                leftSection={<IconTrash size={14} />}
                onClick={() => edit((x) => void x.dimensions.splice(i, 1))}
              >
                Remove {name}
              </Button>
            </Group>
            <Accordion multiple mt="sm" variant="separated" chevronPosition="left">
              {d.measures.map((m, j) => {
                const path = `dimensions[${i}].measures[${j}]`;
                const issues = problemsUnder(problems, path);
                const label = labelOf(m.measure);
                return (
                  <Accordion.Item key={m.measure} value={m.measure}>
                    <Accordion.Control>
                      <Group gap={6} wrap="wrap">
                        <Text size="sm" fw={500}>
                          {label}
                        </Text>
                        <Text size="xs" c="dimmed">
                          weight {m.weight ?? 1} ·{' '}
                          {m.bands.map((b) => `${bandRange(b)} → ${b.score ?? '?'}`).join(', ')}
                        </Text>
                        {issues > 0 && (
                          <Badge color="red" variant="light" size="sm">
                            {issues} problem{issues === 1 ? '' : 's'}
                          </Badge>
                        )}
                      </Group>
                    </Accordion.Control>
                    <Accordion.Panel>
                      <Group gap="sm" align="flex-end" wrap="wrap">
                        <NumberInput
                          label={`${label} weight in ${name}`}
                          description="Relative to the other measures here; empty means 1"
                          value={m.weight ?? ''}
                          onChange={(v) =>
                            edit((x) => void (x.dimensions[i]!.measures[j]!.weight = numOf(v)))
                          }
                          error={errorAt(`${path}.weight`) ?? errorAt(`${path}.measure`)}
                          min={0}
                          w={{ base: '100%', xs: 260 }}
                        />
                        <Button
                          variant="subtle"
                          color="red"
                          size="xs"
                          onClick={() => edit((x) => void x.dimensions[i]!.measures.splice(j, 1))}
                        >
                          Remove {label}
                        </Button>
                      </Group>
                      <BandsTable
                        at={[i, j]}
                        m={m}
                        label={label}
                        path={path}
                        edit={edit}
                        errorAt={errorAt}
                      />
                    </Accordion.Panel>
                  </Accordion.Item>
                );
              })}
            </Accordion>
            {errorAt(`dimensions[${i}].measures`) && (
              <Text size="xs" c="red" mt={4}>
                {errorAt(`dimensions[${i}].measures`)}
              </Text>
            )}
            {unused.length > 0 && (
              <Select
                mt="sm"
                label={`Add a measure to ${name}`}
                placeholder="Choose a measure"
                data={unused.map((u) => ({ value: u.id, label: u.label }))}
                value={null}
                onChange={(v) =>
                  v &&
                  edit((x) =>
                    // One band covering every value: a start to split into real bands.
                    x.dimensions[i]!.measures.push({
                      measure: v as MeasureId,
                      weight: null,
                      bands: [{ min: null, max: null, score: 5 }],
                    }),
                  )
                }
                searchable
                w={{ base: '100%', xs: 320 }}
              />
            )}
          </Fieldset>
        );
      })}
      <Button
        variant="light"
        leftSection={<IconPlus size={16} />}
        onClick={() => edit(addDimension)}
        style={{ alignSelf: 'flex-start' }}
      >
        Add a dimension
      </Button>
    </Stack>
  );
}

/** The tiers, best first: name, the score each starts at, and a colour. */
export function TierFields({ draft, edit, errorAt }: Omit<Common, 'problems'>) {
  return (
    <Fieldset legend="Tiers, best first" radius="md">
      <div style={{ overflowX: 'auto' }}>
        <Table verticalSpacing={4} miw={460}>
          <Table.Caption>The lowest tier must start at 0 so every score has a tier</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Starts at</Table.Th>
              <Table.Th>Colour</Table.Th>
              <Table.Th>
                <VisuallyHidden>Remove</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {draft.tiers.map((t, i) => (
              <Table.Tr key={i}>
                <Table.Td style={{ verticalAlign: 'top' }}>
                  <TextInput
                    aria-label={`Tier ${i + 1} name`}
                    value={t.name}
                    onChange={(e) => {
                      const v = e.currentTarget.value;
                      edit((d) => void (d.tiers[i]!.name = v));
                    }}
                    error={errorAt(`tiers[${i}].name`)}
                    size="xs"
                  />
                </Table.Td>
                <Table.Td style={{ verticalAlign: 'top' }}>
                  <NumberInput
                    aria-label={`Tier ${t.name || i + 1} starts at`}
                    value={t.min ?? ''}
                    onChange={(v) => edit((d) => void (d.tiers[i]!.min = numOf(v)))}
                    error={errorAt(`tiers[${i}].min`)}
                    min={0}
                    max={100}
                    size="xs"
                    w={110}
                  />
                </Table.Td>
                <Table.Td style={{ verticalAlign: 'top' }}>
                  <Select
                    aria-label={`Tier ${t.name || i + 1} colour`}
                    data={TIER_COLORS.map((c) => ({ value: c, label: c }))}
                    value={t.color}
                    onChange={(v) => edit((d) => void (d.tiers[i]!.color = v as TierColor | null))}
                    error={errorAt(`tiers[${i}].color`)}
                    clearable
                    size="xs"
                    w={120}
                  />
                </Table.Td>
                <Table.Td style={{ verticalAlign: 'top' }}>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={`Remove tier ${t.name || i + 1}`}
                    onClick={() => edit((d) => void d.tiers.splice(i, 1))}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
      {errorAt('tiers') && (
        <Text size="xs" c="red" mt={4}>
          {errorAt('tiers')}
        </Text>
      )}
      <Button
        mt="xs"
        size="xs"
        variant="light"
        leftSection={<IconPlus size={14} />}
        onClick={() => edit((d) => void d.tiers.push({ name: '', min: 0, color: null }))}
      >
        Add a tier
      </Button>
    </Fieldset>
  );
}
