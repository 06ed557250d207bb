import { Badge, Group, Paper, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { tierColor } from '../../lib/format';
import { bandRange, measureShares, scopeText, type ModelDef } from '../../lib/models';

const TIER_COLOR: Record<string, string> = {
  green: 'teal',
  yellow: 'yellow',
  orange: 'orange',
  red: 'red',
};

/** A model's tiers as badges, best first: "Green from 80". */
export function TierBadges({ tiers }: { tiers: ModelDef['tiers'] }) {
  return (
    <Group gap={6}>
      {tiers.map((t) => (
        <Badge
          key={t.name}
          variant="light"
          color={t.color ? TIER_COLOR[t.color] : tierColor(t.name)}
        >
          {t.name} from {t.min}
        </Badge>
      ))}
    </Group>
  );
}

/** A model definition to read: who it is for, its tiers, and each dimension's measures and bands. */
export function ModelDefinition({
  def,
  labelOf,
}: {
  def: ModelDef;
  labelOf: (id: string) => string;
}) {
  const shares = measureShares(def);
  return (
    <Stack gap="md">
      {def.description && <Text size="sm">{def.description}</Text>}
      <Group gap="lg" wrap="wrap">
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Applies to
          </Text>
          <Text size="sm">{scopeText(def.appliesTo)}</Text>
        </div>
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Tiers
          </Text>
          <TierBadges tiers={def.tiers} />
        </div>
      </Group>
      {def.dimensions.map((d) => (
        <Paper key={d.key} withBorder p="md" radius="md">
          <Group justify="space-between" wrap="nowrap">
            <Title order={3} size="h5">
              {d.name}
            </Title>
            <Text size="sm" fw={600}>
              {d.weight}%
            </Text>
          </Group>
          <Progress value={d.weight} mt={6} aria-label={`${d.name} weight ${d.weight}%`} />
          <div style={{ overflowX: 'auto' }}>
            <Table mt="sm" verticalSpacing={6} miw={640}>
              <Table.Caption>Measures of {d.name}, each scored 0–10 by its bands</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Measure</Table.Th>
                  <Table.Th>Weight</Table.Th>
                  <Table.Th>Share of score</Table.Th>
                  <Table.Th>Bands (value → score)</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.measures.map((m) => (
                  <Table.Tr key={m.measure}>
                    <Table.Td>
                      <Text size="sm">{labelOf(m.measure)}</Text>
                      <Text size="xs" c="dimmed">
                        {m.measure}
                      </Text>
                    </Table.Td>
                    <Table.Td>{m.weight ?? 1}</Table.Td>
                    <Table.Td>{(shares.get(m.measure) ?? 0).toFixed(1)}%</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {m.bands.map((b, i) => (
                          <Badge key={i} variant="default" tt="none" fw={500}>
                            {bandRange(b)} → {b.score}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </div>
        </Paper>
      ))}
    </Stack>
  );
}
