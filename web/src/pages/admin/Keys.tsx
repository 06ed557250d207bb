import { Empty } from '../../components/States';

/** Placeholder until this page is built (being built in this change). */
export default function Keys() {
  return <Empty title="Keys" />;
}
