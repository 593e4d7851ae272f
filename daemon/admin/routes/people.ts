import { Type } from '@sinclair/typebox';
import type { FastifyTypebox } from '../app-type.ts';
import { actor, audit, type AdminContext } from '../context.ts';
import { ApiError, notFound } from '../errors.ts';
import { checkFileName, checkImage } from '../image-check.ts';
import { IdParams, NewPersonBody, Ok, PatchPersonBody, PersonSchema, TemplateReply, replies } from '../schemas.ts';
import type { Person, TemplateResult } from '../services.ts';

export const personJson = (p: Person) => ({
  id: p.id,
  name: p.name,
  valid_from: p.validFrom,
  valid_until: p.validUntil,
  schedule: p.schedule,
  templates: p.templates,
  created_at: p.createdAt,
});

const resultJson = (file: string | null, r: TemplateResult) => ({
  file,
  added: r.added,
  verdict: { ok: r.verdict.ok, reasons: r.verdict.reasons, box: r.verdict.box, image_width: r.verdict.imageWidth, image_height: r.verdict.imageHeight },
  preview_jpeg_base64: r.previewJpeg ? Buffer.from(r.previewJpeg).toString('base64') : null,
});

function checkWindow(from: string | null | undefined, until: string | null | undefined): void {
  if (from && until && Date.parse(from) >= Date.parse(until)) throw new ApiError(422, 'validation_failed', 'body/valid_until must be later than valid_from');
}

const MAX_FILES = 10;

export function peopleRoutes(app: FastifyTypebox, ctx: AdminContext): void {
  const people = ctx.services.people;
  const tags = ['people'];

  app.get(
    '/api/people',
    {
      config: { access: 'viewer' },
      schema: { tags, summary: 'Everyone enrolled', response: replies({ 200: Type.Object({ people: Type.Array(PersonSchema) }) }) },
    },
    async () => ({ people: (await people.list()).map(personJson) }),
  );

  app.post(
    '/api/people',
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'Add a person (then add templates)', body: NewPersonBody, response: replies({ 201: PersonSchema }) },
    },
    async (request, reply) => {
      const b = request.body;
      checkWindow(b.valid_from, b.valid_until);
      const p = await people.create(
        { name: b.name, validFrom: b.valid_from ?? null, validUntil: b.valid_until ?? null, schedule: b.schedule ?? null },
        actor(request),
      );
      await audit(ctx, request, 'person.create', p.id);
      return reply.code(201).send(personJson(p));
    },
  );

  app.get(
    '/api/people/:id',
    {
      config: { access: 'viewer' },
      schema: { tags, summary: 'One person', params: IdParams, response: replies({ 200: PersonSchema }) },
    },
    async (request) => {
      const p = await people.get(request.params.id);
      if (!p) throw notFound(`person ${request.params.id}`);
      return personJson(p);
    },
  );

  app.patch(
    '/api/people/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Rename, set the validity window or the weekly schedule',
        params: IdParams,
        body: PatchPersonBody,
        response: replies({ 200: PersonSchema }),
      },
    },
    async (request) => {
      const { id } = request.params;
      const b = request.body;
      const current = await people.get(id);
      if (!current) throw notFound(`person ${id}`);
      const who = actor(request);
      let p: Person | null = current;
      if (b.valid_from !== undefined || b.valid_until !== undefined) {
        const validFrom = b.valid_from !== undefined ? b.valid_from : current.validFrom;
        const validUntil = b.valid_until !== undefined ? b.valid_until : current.validUntil;
        checkWindow(validFrom, validUntil);
        p = await people.setValidity(id, { validFrom, validUntil }, who);
      }
      if (b.name !== undefined) p = await people.rename(id, b.name, who);
      if (b.schedule !== undefined) p = await people.setSchedule(id, b.schedule, who);
      if (!p) throw notFound(`person ${id}`);
      await audit(ctx, request, 'person.update', id, { fields: Object.keys(b) });
      return personJson(p);
    },
  );

  app.delete(
    '/api/people/:id',
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'Erase a person: templates and keys destroyed (crypto-shredding)', params: IdParams, response: replies({ 200: Ok }) },
    },
    async (request) => {
      if (!(await people.erase(request.params.id, actor(request)))) throw notFound(`person ${request.params.id}`);
      await audit(ctx, request, 'person.erase', request.params.id);
      return { ok: true };
    },
  );

  app.get(
    '/api/people/:id/export',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Subject access request: everything held about the person',
        params: IdParams,
        response: replies({ 200: Type.Record(Type.String(), Type.Unknown()) }),
      },
    },
    async (request, reply) => {
      const data = await people.export(request.params.id, actor(request));
      if (!data) throw notFound(`person ${request.params.id}`);
      await audit(ctx, request, 'person.export', request.params.id);
      return reply.header('content-disposition', `attachment; filename="facegate-person-${request.params.id}.json"`).send(data);
    },
  );

  app.post(
    '/api/people/:id/templates',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        params: IdParams,
        consumes: ['multipart/form-data'],
        summary: `Enroll from photos: multipart field "photo", up to ${MAX_FILES} JPEG/PNG/WebP files, each within admin.upload_limit_mb`,
        response: replies({ 200: TemplateReply }),
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!request.isMultipart()) throw new ApiError(415, 'unsupported_media_type', 'send the photos as multipart/form-data');
      if (!(await people.get(id))) throw notFound(`person ${id}`);
      // Read and check every file before enrolling any: one bad file means nothing is stored.
      const files: { name: string | null; bytes: Buffer }[] = [];
      for await (const part of request.files({ limits: { files: MAX_FILES } })) {
        if (part.fieldname !== 'photo') throw new ApiError(400, 'bad_request', `unexpected file field "${part.fieldname}"; use "photo"`);
        const name = checkFileName(part.filename);
        const bytes = await part.toBuffer();
        files.push({ name, bytes });
      }
      if (files.length === 0) throw new ApiError(400, 'bad_request', 'no photo in the upload (field "photo")');
      for (const [i, f] of files.entries()) await checkImage(f.bytes, f.name ? `"${f.name}"` : `photo ${i + 1}`);
      const results = [];
      let templates = 0;
      for (const f of files) {
        const r = await people.addTemplateFromPhoto(id, f.bytes, actor(request));
        if (!r) throw notFound(`person ${id}`);
        templates = r.templates;
        results.push(resultJson(f.name, r));
      }
      await audit(ctx, request, 'person.templates_from_photos', id, { files: files.length, added: results.filter((r) => r.added).length });
      return { results, templates };
    },
  );

  app.post(
    '/api/people/:id/templates/camera',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: "Enroll from the live camera: the next frame's face, with its quality verdict",
        params: IdParams,
        response: replies({ 200: TemplateReply }),
      },
    },
    async (request) => {
      const { id } = request.params;
      const r = await people.addTemplateFromCamera(id, actor(request));
      if (!r) throw notFound(`person ${id}`);
      await audit(ctx, request, 'person.template_from_camera', id, { added: r.added });
      return { results: [resultJson(null, r)], templates: r.templates };
    },
  );
}
