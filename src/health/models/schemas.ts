import { z } from 'zod';
import { QueryBool } from '../../core/schemas.js';
import { HealthModelSchema } from '../model/definition.js';
import type { ModelFormat } from '../model/file.js';
import { MEASURES, MEASURE_IDS } from '../measures/registry.js';
import { MeasureIdSchema } from '../measures/schemas.js';
import type { ModelVersion } from './service.js';

/** The HTTP (and CLI --json) shapes of the measure registry and of model versions. */

export const MODEL_FORMATS = ['yaml', 'json'] as const satisfies readonly ModelFormat[];

// ----- measures ------------------------------------------------------------------------------

export const MeasureInfoOut = z
  .object({
    id: MeasureIdSchema,
    family: z.enum(['usage', 'support', 'voice', 'relationship', 'commercial', 'manual']),
    label: z.string(),
    description: z.string(),
    unit: z.enum(['ratio', 'count', 'days', 'score', 'flag', 'percent']),
    higherIsBetter: z.boolean(),
    min: z.number(),
    max: z.number().nullable(),
  })
  .meta({ id: 'HealthMeasure' });

export const MeasureListOut = z
  .object({ items: z.array(MeasureInfoOut) })
  .meta({ id: 'HealthMeasureList' });

// ----- models --------------------------------------------------------------------------------

const ModelKey = z.string().min(1).max(64);

export const ModelKeyParams = z.object({ key: ModelKey }).strict();
export const ModelVersionParams = z
  .object({ key: ModelKey, version: z.coerce.number().int().min(1).max(1_000_000) })
  .strict();

export const ModelVersionOut = z
  .object({
    id: z.string(),
    key: z.string(),
    version: z.number().int(),
    name: z.string(),
    note: z.string().nullable(),
    createdAt: z.string(),
    createdBy: z.string(),
    active: z.boolean().describe('the key scores accounts; all its versions share the flag'),
    definition: HealthModelSchema,
  })
  .meta({ id: 'HealthModelVersion' });
export type ModelVersionView = z.infer<typeof ModelVersionOut>;

export const ModelListOut = z
  .object({ items: z.array(ModelVersionOut) })
  .meta({ id: 'HealthModelList' });

export const ModelVersionListOut = z
  .object({ key: z.string(), items: z.array(ModelVersionOut).describe('newest first') })
  .meta({ id: 'HealthModelVersionList' });

export const ModelExportQuery = z
  .object({
    format: z.enum(MODEL_FORMATS).default('yaml'),
    version: z.coerce.number().int().min(1).optional().describe('defaults to the latest'),
  })
  .strict();

const Note = z.string().trim().max(1000).describe('why this version; kept with it');
const Activate = z
  .boolean()
  .describe(
    'switch the key on (true) or off (false); left out, a new key starts active and a new version keeps the flag',
  );

export const ModelSaveBody = z
  .object({
    // Checked by the service rather than here, so shape and cross-field problems (weights,
    // bands, tiers) come back together, with the same paths a model file import reports.
    definition: z
      .record(z.string(), z.unknown())
      .describe(
        'a health model as HealthModelDefinition describes; every problem is listed in error.details.issues with its path',
      ),
    note: Note.optional(),
    activate: Activate.optional(),
  })
  .strict()
  .meta({ id: 'HealthModelSave' });

export const ModelImportQuery = z
  .object({
    format: z
      .enum(MODEL_FORMATS)
      .optional()
      .describe('for a text body; left out, text starting with { is JSON and anything else YAML'),
    note: Note.optional(),
    activate: QueryBool.optional(),
  })
  .strict();

export const ModelImportJson = z
  .object({
    text: z.string().min(1).describe('the YAML or JSON text of a model file'),
    format: z.enum(MODEL_FORMATS).optional(),
    note: Note.optional(),
    activate: Activate.optional(),
  })
  .strict()
  .meta({ id: 'HealthModelImport' });

export const ModelImportBody = z.union([
  z.string().describe('the model file itself (text/plain or application/yaml)'),
  ModelImportJson,
]);

// ----- preview -------------------------------------------------------------------------------

const Issue = z.object({
  path: z.string().describe('where in the definition, e.g. dimensions[1].measures[0].bands[2].min'),
  message: z.string(),
});
const TierName = z.string().nullable().describe('null: no score');

export const ModelPreviewOut = z
  .discriminatedUnion('valid', [
    z.object({ valid: z.literal(false), problems: z.array(Issue) }),
    z.object({
      valid: z.literal(true),
      active: z.boolean().describe('whether the draft would score accounts once saved'),
      accounts: z.number().int().describe('live accounts with a snapshot, all compared'),
      scoredByDraft: z.number().int().describe('of which the draft would be the model picked'),
      moved: z.number().int().describe('accounts whose tier would change'),
      changes: z
        .array(z.object({ from: TierName, to: TierName, count: z.number().int() }))
        .describe('from → to, the most accounts first'),
      tiers: z
        .array(z.object({ tier: TierName, before: z.number().int(), after: z.number().int() }))
        .describe('accounts per tier now and after the save'),
      unrecorded: z
        .array(MeasureIdSchema)
        .describe("the draft's measures the latest snapshots did not keep; no data here"),
    }),
  ])
  .meta({ id: 'HealthModelPreview' });

// ----- views ---------------------------------------------------------------------------------

export const measureList = () => ({ items: MEASURE_IDS.map((id) => ({ ...MEASURES[id] })) });

export function modelView(m: ModelVersion): ModelVersionView {
  const { def, ...rest } = m;
  return { ...rest, definition: def };
}
