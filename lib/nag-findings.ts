import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The id cdk-nag's `AwsSolutions-IAM5` gives a wildcard in a statement's
 * resource, e.g. `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:…/GET/admin/queues/*]`:
 * the resource resolved and flattened as cdk-nag flattens it (`Ref` → `<Id>`,
 * `Fn::GetAtt` → `<Id.Attr>`, `Fn::Join` joined). An acknowledgement must name
 * this id exactly, so it covers that one resource and no other wildcard.
 * Undefined when the resource has no wildcard.
 *
 * @example
 * const finding = wildcardResourceFinding(policy, api.arnForExecuteApi('GET', '/admin/jobs/*', 'v1'));
 * if (finding) Validations.of(policy).acknowledge({ id: finding, reason: '…' });
 */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string | undefined {
  const flat = flatten(Stack.of(scope).resolve(resource));
  return flat.includes('*') ? `AwsSolutions-IAM5[Resource::${flat}]` : undefined;
}

function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const value = node as Record<string, unknown>;
    const join = value['Fn::Join'];
    if (Array.isArray(join)) {
      const [delimiter, items] = join as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (value['Fn::Sub'] !== undefined) return flatten(value['Fn::Sub']);
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${flatten(getAtt[0])}.${flatten(getAtt[1])}>`;
    if (value['Fn::ImportValue'] !== undefined) return flatten(value['Fn::ImportValue']);
    if (value.Ref !== undefined) return `<${flatten(value.Ref)}>`;
  }
  return JSON.stringify(node);
}
