import 'reflect-metadata';
import { type DynamicModule, forwardRef, Injectable, Module } from '@nestjs/common';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventHandler } from '@switchyard/core';
import { handlerQueuesIn } from './handler-queues.js';

@EventHandler({ name: 'image.resize', on: 'upload.received', queue: 'images' })
class ResizeImage {
  async handle(): Promise<void> {}
}

@EventHandler({ name: 'image.delete', on: 'upload.deleted', queue: 'images' })
class DeleteImage {
  async handle(): Promise<void> {}
}

@EventHandler({ name: 'search.index', on: 'upload.received', queue: 'search' })
class IndexUpload {
  async handle(): Promise<void> {}
}

@EventHandler({ name: 'webhook.send', on: 'upload.indexed', queue: 'webhooks' })
class SendWebhook {
  async handle(): Promise<void> {}
}

@Injectable()
class ImageStore {}

describe('handlerQueuesIn', () => {
  it("finds the queues of the handlers in a module tree before Nest builds it, as HandlerRegistry will", () => {
    @Module({ providers: [ResizeImage, DeleteImage, ImageStore] })
    class ImagesModule {}
    @Module({ providers: [{ provide: 'index', useClass: IndexUpload }] })
    class SearchModule {}
    @Module({})
    class WebhooksModule {
      static forRoot(): DynamicModule {
        return { module: WebhooksModule, providers: [SendWebhook] };
      }
    }
    @Module({ imports: [forwardRef(() => SearchModule)] })
    class AppModule {
      static forRoot(): DynamicModule {
        return { module: AppModule, imports: [ImagesModule, WebhooksModule.forRoot()] };
      }
    }
    assert.deepEqual(handlerQueuesIn([AppModule.forRoot(), ImagesModule]), ['images', 'search', 'webhooks']);
  });

  it('finds none in modules without handlers', () => {
    @Module({ providers: [ImageStore, { provide: 'answer', useValue: 42 }, { provide: 'clock', useFactory: () => Date.now }] })
    class PlainModule {}
    assert.deepEqual(handlerQueuesIn([PlainModule]), []);
  });
});
