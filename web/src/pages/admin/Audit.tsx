import { Empty } from '../../components/States';

/** Placeholder until this page is built (being built in this change). */
export default function Audit() {
  return <Empty title="Audit" />;
}
