import { Alert, Button, Divider, Paper, Stack, Stepper, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, messageOf, unwrap } from '../api/client';
import { uploadCsv } from '../api/upload';
import { DoneStep } from '../components/import/DoneStep';
import { ImportHistory } from '../components/import/ImportHistory';
import { MappingStep } from '../components/import/MappingStep';
import { ReviewStep } from '../components/import/ReviewStep';
import { readCsvFile, type CsvFile } from '../components/import/source';
import { UploadStep } from '../components/import/UploadStep';
import { ErrorState, Loading } from '../components/States';
import {
  carryMapping,
  headersOf,
  kindLabel,
  needsMapping,
  nextOverrides,
  plural,
  STEPS,
  stepOf,
  type DateFormat,
  type ImportKind,
  type ImportView,
  type Mapping,
  type Step,
} from '../lib/import';
import { relative } from '../lib/format';
import { useUser } from '../lib/session';

const STEP_TEXT: Record<Step, { label: string; description: string }> = {
  upload: { label: 'Upload', description: 'Choose the file' },
  map: { label: 'Map columns', description: 'Check the fields' },
  review: { label: 'Review', description: 'Dry-run report' },
  done: { label: 'Done', description: 'Applied' },
};

interface UploadVars {
  csv: CsvFile;
  kind: ImportKind;
  mapping?: Mapping;
  dateFormat?: DateFormat | null;
  step: Step;
}

export default function Import() {
  const user = useUser();
  const canWrite = user.role === 'admin';
  const qc = useQueryClient();
  const phone = useMediaQuery('(max-width: 48em)') ?? false;
  const [params, setParams] = useSearchParams();
  const id = params.get('import');
  const [kindChoice, setKindChoice] = useState<ImportKind | null>(null);
  // The file stays in this tab only, so the dry run can run again without choosing it again.
  const [file, setFile] = useState<CsvFile | null>(null);
  const [reading, setReading] = useState(false);
  const [readError, setReadError] = useState<string | null>(null);

  const current = useQuery({
    queryKey: ['import', id],
    queryFn: () => unwrap(api.GET('/api/v1/imports/{id}', { params: { path: { id: id! } } })),
    enabled: !!id,
  });
  const view: ImportView | null = id ? (current.data ?? null) : null;
  const step = stepOf(view, params.get('step'));
  const kind = kindChoice ?? view?.kind ?? 'accounts';

  const go = (next: { import: string | null; step: Step | null }) =>
    setParams((p) => {
      const q = new URLSearchParams(p);
      for (const [k, v] of Object.entries(next)) {
        if (v) q.set(k, v);
        else q.delete(k);
      }
      return q;
    });

  const upload = useMutation({
    mutationFn: (v: UploadVars) =>
      uploadCsv({
        kind: v.kind,
        text: v.csv.text,
        fileName: v.csv.name,
        mapping: v.mapping,
        dateFormat: v.dateFormat,
      }),
    onSuccess: (result, v) => {
      qc.setQueryData(['import', result.id], result);
      void qc.invalidateQueries({ queryKey: ['imports'] });
      setFile({ ...v.csv, importId: result.id });
      go({ import: result.id, step: v.step });
    },
  });
  const apply = useMutation({
    mutationFn: (importId: string) =>
      unwrap(
        api.POST('/api/v1/imports/{id}/apply', { params: { path: { id: importId } }, body: {} }),
      ),
    onSuccess: (result) => {
      qc.setQueryData(['import', result.id], result);
      void qc.invalidateQueries({ queryKey: ['imports'] });
      void qc.invalidateQueries({ queryKey: ['portfolio'] });
      notifications.show({ color: 'teal', message: `Imported ${result.fileName ?? 'the file'}` });
      go({ import: result.id, step: null });
    },
    // The apply checks every row again; when that fails the server keeps the new report.
    onError: () => void current.refetch(),
  });

  // A message belongs to the import it was about: moving to another one clears it.
  useEffect(() => {
    upload.reset();
    apply.reset();
    setReadError(null);
  }, [id]);

  /** Read a chosen file and upload it; reading errors (too big, empty) show like API errors. */
  const send = async (f: File | CsvFile, vars: (csv: CsvFile) => Omit<UploadVars, 'csv'>) => {
    setReadError(null);
    let csv: CsvFile;
    if (f instanceof File) {
      setReading(true);
      try {
        csv = await readCsvFile(f);
      } catch (err) {
        setReadError(messageOf(err));
        return;
      } finally {
        setReading(false);
      }
    } else csv = f;
    upload.mutate({ csv, ...vars(csv) });
  };

  const busy = reading || upload.isPending;
  const uploadError = readError ?? (upload.error ? messageOf(upload.error) : null);
  const ownFile = file && view && file.importId === view.id ? file : null;
  const selectable = (s: Step) =>
    canWrite &&
    view?.status !== 'applied' &&
    !busy &&
    (s === 'upload' || (!!view && (s === 'map' || (s === 'review' && !needsMapping(view)))));

  return (
    <Stack gap="lg">
      <div>
        <Title order={1} size="h2">
          Import
        </Title>
        <Text size="sm" c="dimmed">
          Bring accounts, contacts, subscriptions, tickets and survey responses from a CSV file.
          Nothing is written until you apply a clean dry run.
        </Text>
      </div>
      {!canWrite && (
        <Alert color="gray" title="Importing is for admins">
          Your role ({user.role}) cannot import files, because an import changes many accounts at
          once. You can read past imports and their reports below.
        </Alert>
      )}
      {id && current.isPending && <Loading label="Loading the import" />}
      {id && current.isError && (
        <Stack gap="sm">
          <ErrorState error={current.error} retry={() => void current.refetch()} />
          {canWrite && (
            <Button variant="default" onClick={() => go({ import: null, step: null })}>
              Start a new import
            </Button>
          )}
        </Stack>
      )}
      {(canWrite || view) && !(id && !view) && (
        <Paper withBorder radius="md" p={{ base: 'sm', sm: 'lg' }}>
          <Stack gap="lg">
            {canWrite && (
              <Stepper
                active={view?.status === 'applied' ? STEPS.length : STEPS.indexOf(step)}
                onStepClick={(i) => selectable(STEPS[i]!) && go({ import: id, step: STEPS[i]! })}
                size="sm"
                iconSize={phone ? 28 : 34}
              >
                {STEPS.map((s) => (
                  <Stepper.Step
                    key={s}
                    label={phone ? undefined : STEP_TEXT[s].label}
                    description={phone ? undefined : STEP_TEXT[s].description}
                    aria-label={STEP_TEXT[s].label}
                    allowStepSelect={selectable(s)}
                  />
                ))}
              </Stepper>
            )}
            <Title order={2} size="h4" data-testid="import-step">
              {phone && canWrite ? `Step ${STEPS.indexOf(step) + 1} of 4: ` : ''}
              {step === 'upload'
                ? 'Choose what to import'
                : `${STEP_TEXT[step].label}${view ? ` · ${kindLabel(view.kind)} from ${view.fileName ?? 'a file'}` : ''}`}
            </Title>
            {step === 'upload' && canWrite && (
              <UploadStep
                kind={kind}
                onKind={setKindChoice}
                loading={busy}
                error={uploadError}
                onFile={(f) => void send(f, () => ({ kind, step: 'map' }))}
              />
            )}
            {step === 'map' && view && (
              <MappingStep
                key={view.id}
                view={view}
                file={ownFile}
                phone={phone}
                pending={busy}
                error={uploadError}
                canWrite={canWrite}
                onContinue={() => go({ import: view.id, step: 'review' })}
                onRecheck={(edits, dateFormat, again) =>
                  void send(again ?? ownFile!, (csv) => ({
                    kind: view.kind,
                    // A file chosen again may have lost columns; overrides for those would be refused.
                    mapping: carryMapping(nextOverrides(view, edits), headersOf(csv.text)),
                    dateFormat,
                    step: 'review',
                  }))
                }
              />
            )}
            {step === 'review' && view && (
              <ReviewStep
                view={view}
                phone={phone}
                canWrite={canWrite}
                applying={apply.isPending}
                uploading={busy}
                error={apply.error ? messageOf(apply.error) : uploadError}
                onApply={() => apply.mutate(view.id)}
                onBack={() => go({ import: view.id, step: 'map' })}
                onFixedFile={(f) =>
                  void send(f, (csv) => ({
                    kind: view.kind,
                    mapping: carryMapping(view.options.mapping ?? {}, headersOf(csv.text)),
                    dateFormat: view.options.dateFormat ?? null,
                    step: 'review',
                  }))
                }
              />
            )}
            {step === 'done' && view && (
              <DoneStep
                view={view}
                canWrite={canWrite}
                onRestart={() => {
                  setFile(null);
                  go({ import: null, step: null });
                }}
              />
            )}
          </Stack>
        </Paper>
      )}
      {view && view.status !== 'applied' && view.report.rows > 0 && step !== 'upload' && (
        <Text size="xs" c="dimmed">
          This dry run checked {plural(view.report.rows, 'row')} against Tenure{' '}
          {relative(view.createdAt)}; applying checks every row again.
        </Text>
      )}
      <Divider />
      <ImportHistory current={id} />
    </Stack>
  );
}
